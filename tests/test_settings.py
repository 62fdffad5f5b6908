"""Settings come from the environment: bad values stop start-up, and say which variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actionlearning.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = BASE_DIR / ".env.example"

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "broker": settings.CELERY_BROKER_URL,
    "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
}))
"""


def _env_example() -> dict[str, str]:
    """`.env.example` as someone copying it to `.env` would get it."""
    lines = ENV_EXAMPLE.read_text().splitlines()
    pairs = (line.partition("=") for line in lines if line and not line.startswith("#"))
    return {name: value for name, _, value in pairs}


def _start(variables: dict[str, str], code: str = "import django; django.setup()"):
    """Start Django in a fresh process with only these settings variables set."""
    settings_names = _env_example().keys()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in settings_names and not name.startswith("DJANGO_")
    }
    env |= {"DJANGO_SETTINGS_MODULE": "actionlearning.settings", **variables}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(variables: dict[str, str]) -> dict:
    result = _start(variables, PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql-ish://x"),
        ("DATABASE_URL", "not a url"),
        ("REDIS_URL", "localhost:6379"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("CACHE_URL", "memcached://127.0.0.1:11211"),
        ("DJANGO_TIME_ZONE", "Mars/Olympus"),
    ],
)
def test_settings_wrong_value_stops_start_up_naming_the_variable(name, value):
    result = _start({name: value})

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"django.core.exceptions.ImproperlyConfigured: {name}=")


def test_settings_production_without_secret_key_stops_start_up():
    result = _start({"DJANGO_DEBUG": "false"})

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false."
    )


def test_settings_env_example_as_copied_gives_the_local_defaults():
    assert _settings(_env_example()) == {
        "cache": "DatabaseCache",
        "cache_location": "django_cache",
        "broker": f"sqla+sqlite:///{BASE_DIR}/var/celery-broker.sqlite3",
        "database": "sqlite3",
        "ssl_redirect": False,
        "hsts_seconds": 0,
    }


def test_settings_empty_security_variables_keep_production_defaults():
    production = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "s" * 60}
    empty = {"DJANGO_SECURE_SSL_REDIRECT": "", "DJANGO_SECURE_HSTS_SECONDS": ""}

    shown = _settings(production | empty)

    assert (shown["ssl_redirect"], shown["hsts_seconds"]) == (True, 31536000)


def test_settings_with_redis_url_use_redis_for_cache_and_broker():
    shown = _settings({"REDIS_URL": "redis://cache.internal:6379/0"})

    assert shown["cache"] == "RedisCache"
    assert shown["cache_location"] == "redis://cache.internal:6379/0"
    assert shown["broker"] == "redis://cache.internal:6379/0"


def test_settings_cache_url_moves_only_the_cache():
    shown = _settings({"REDIS_URL": "redis://redis:6379/0", "CACHE_URL": "redis://redis:6379/1"})

    assert (shown["cache_location"], shown["broker"]) == (
        "redis://redis:6379/1",
        "redis://redis:6379/0",
    )


def test_settings_without_redis_use_database_cache_and_sqlite_broker():
    shown = _settings({})

    assert shown["cache"] == "DatabaseCache"
    assert shown["broker"] == f"sqla+sqlite:///{BASE_DIR}/var/celery-broker.sqlite3"


def test_celery_sends_json_only_and_acknowledges_after_the_work():
    conf = celery_app.conf

    assert conf.accept_content == ["json"]
    assert (conf.task_serializer, conf.result_serializer) == ("json", "json")
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert (conf.timezone, conf.enable_utc) == ("UTC", True)


def test_celery_beat_schedule_names_tasks_the_worker_knows():
    celery_app.loader.import_default_modules()  # what a starting worker does

    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}

    assert "actionlearning.clear_expired_sessions" in scheduled
    assert scheduled - set(celery_app.tasks) == set()
