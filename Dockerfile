# Onward production image: one image for web (gunicorn), worker and beat (Celery).
# docker/entrypoint.sh picks the role from its first argument: web | worker | beat | a command.
FROM python:3.11-slim

# PYTHONPATH=/app: run from the source tree, so BASE_DIR finds the templates and
# static files next to the code (the installed wheel carries only the Python modules).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    ONWARD_ENV=production \
    ONWARD_VAR_DIR=/app/var \
    PRIVATE_MEDIA_ROOT=/data/private

WORKDIR /app

# Dependencies first, read from pyproject.toml, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself. The code stays root-owned (read-only to the app); only var/
# (collected static files, the beat schedule) and the private media volume are writable.
COPY . .
RUN pip install --no-deps . \
    && chmod 0755 docker/entrypoint.sh \
    && groupadd --system --gid 10001 onward \
    && useradd --system --uid 10001 --gid onward --home-dir /app --shell /usr/sbin/nologin onward \
    && mkdir -p /app/var /data/private \
    && chown -R onward:onward /app/var /data/private

USER onward
EXPOSE 8000
VOLUME ["/data/private"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
