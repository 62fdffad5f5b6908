"""Fixtures for the whole suite, and the rule that CI may skip nothing.

Tests marked `postgres`, `redis` or `browser` skip when that service is
missing, unless REQUIRE_SERVICES=1 / REQUIRE_BROWSER=1 (as in CI), where a
missing service fails them; under REQUIRE_SERVICES=1 any skipped test fails the run.
"""

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache

from actionlearning.celery import app as celery_app

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def _database_is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    url = urlsplit(settings.REDIS_URL)
    try:
        socket.create_connection((url.hostname, url.port or 6379), timeout=2).close()
        return True
    except OSError:
        return False


def _service_status() -> dict[str, tuple[bool, str, bool]]:
    """marker -> (available, what is missing, required)"""
    return {
        "postgres": (_database_is_postgres(), "PostgreSQL (set DATABASE_URL)", REQUIRE_SERVICES),
        "redis": (_redis_reachable(), "Redis (set REDIS_URL)", REQUIRE_SERVICES),
        "browser": (CHROMIUM.exists(), f"Chromium at {CHROMIUM}", REQUIRE_BROWSER),
    }


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("@")[-1]
    return [
        f"database: {database['ENGINE'].rsplit('.', 1)[-1]} "
        f"({database.get('HOST') or database['NAME']})",
        f"broker: {broker}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}",
        f"required: services={'yes' if REQUIRE_SERVICES else 'no'}, "
        f"browser={'yes' if REQUIRE_BROWSER else 'no'}",
    ]


def pytest_runtest_setup(item):
    for marker, (available, missing, required) in _service_status().items():
        if available or marker not in item.keywords:
            continue
        if required:
            pytest.fail(f"{missing} is required here, but it is not available")
        pytest.skip(f"needs {missing}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = len(terminalreporter.stats.get("skipped", []))
    if skipped and REQUIRE_SERVICES:
        terminalreporter.write_line(
            f"FAILED: {skipped} tests skipped, but REQUIRE_SERVICES=1 says nothing may be skipped.",
            red=True,
        )
    elif skipped:
        terminalreporter.write_line(f"{skipped} tests skipped: a service they need is missing.")


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if REQUIRE_SERVICES and skipped and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_tasks_in_process():
    """Tasks run at once, in the test's process, unless a test starts a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password for every person; production hashing is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters never leak from one test to the next.

    The database cache needs no clearing: each test's rows roll back with it.
    """
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        cache.clear()
