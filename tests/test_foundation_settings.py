"""Production refuses to start without real secrets; its deploy checks are clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "-long-random-production-secret-" + "x" * 20


def run_django(args, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in {"SECRET_KEY", "DEBUG", "ONWARD_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base,
        capture_output=True, text=True, timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = run_django(["check"], ONWARD_ENV="production", ALLOWED_HOSTS="onward.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_a_weak_secret_key_refuses_to_start():
    result = run_django(
        ["check"], ONWARD_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="onward.example.org"
    )
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_production_deploy_checks_report_nothing():
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        ONWARD_ENV="production", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="onward.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_development_defaults_run_embedded():
    result = run_django(["shell", "-c", (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.SEARCH_BACKEND, s.PAYOUT_METHOD)")],
        ONWARD_ENV="development", DATABASE_URL="", CELERY_BROKER_URL="",
        ELASTICSEARCH_URL="", STRIPE_SECRET_KEY="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.sqlite3", "True", "marketplace.search.database.DatabaseBackend", "bacs"
    ]
