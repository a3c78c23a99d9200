#!/bin/sh
# Start one Onward role: web | worker | beat; anything else runs as a command
# (e.g. `docker compose run --rm web python manage.py createsuperuser`).
set -eu

role="${1:-web}"
case "$role" in
  web)
    # Migrations run before gunicorn takes traffic. With several web replicas, run
    # them once as a release step instead (MIGRATE_ON_START=0).
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
      python manage.py migrate --noinput
    fi
    python manage.py collectstatic --noinput --verbosity 0
    workers="${GUNICORN_WORKERS:-$((2 * $(nproc) + 1))}"
    exec gunicorn onward.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "$workers" \
      --timeout "${GUNICORN_TIMEOUT:-30}" \
      --access-logfile - \
      --error-logfile -
    ;;
  worker)
    exec celery -A onward worker -l info
    ;;
  beat)
    # The schedule is settings.CELERY_BEAT_SCHEDULE; this file only records last-run times.
    # No pidfile: after a container restart a stale one would name a live pid.
    exec celery -A onward beat -l info --schedule /app/var/celerybeat-schedule
    ;;
  *)
    exec "$@"
    ;;
esac
