"""Running the service: the compose stack, /healthz, deploy checks, the CSP header."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection

from actionlearning.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
LONG_RUNNING = {"web", "worker", "beat", "postgres", "redis", "mailpit"}


def _docker_compose(*args: str, secret_key: str | None = "a-secret-for-config-only") -> str:
    """`docker-compose <args>` in the project, as someone deploying it would run it."""
    binary = shutil.which("docker-compose")
    if binary is None:
        if REQUIRE_SERVICES:
            pytest.fail("docker-compose is required here (REQUIRE_SERVICES=1), but is missing")
        pytest.skip("needs the docker-compose binary")
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SECRET_KEY"}
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
    result = subprocess.run(
        [binary, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    return f"exit {result.returncode}\n{result.stdout}{result.stderr}"


def _compose_services() -> dict[str, dict[str, str]]:
    """Service -> its top-level keys -> the text under each, on one line.

    Reads just enough of docker-compose's normalised YAML (services at two
    spaces, their keys at four) that no YAML library is needed.
    """
    output = _docker_compose("config")
    assert output.startswith("exit 0\n"), output
    services: dict[str, dict[str, str]] = {}
    in_services, service, key = False, "", ""
    for line in output.splitlines()[1:]:
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            in_services = line == "services:"
        elif in_services and indent == 2:
            service = line.strip().removesuffix(":")
            services[service] = {}
        elif in_services and indent == 4 and not line.lstrip().startswith("- "):
            key, _, value = line.strip().partition(":")
            services[service][key] = value.strip()
        elif in_services:
            services[service][key] += " " + line.strip()
    return services


def _conditions(service: dict[str, str]) -> dict[str, str]:
    """depends_on as {service it waits for: condition}."""
    return dict(re.findall(r"([\w.-]+): condition: (\w+)", service.get("depends_on", "")))


def test_compose_config_is_valid():
    assert _docker_compose("config", "-q") == "exit 0\n"


def test_compose_config_refuses_to_run_without_a_secret_key():
    output = _docker_compose("config", "-q", secret_key=None)

    assert not output.startswith("exit 0\n")
    assert "set DJANGO_SECRET_KEY" in output


def test_compose_stack_runs_exactly_one_beat():
    services = _compose_services()

    beats = [
        name for name, keys in services.items() if "actionlearning beat" in keys.get("command", "")
    ]

    assert beats == ["beat"]
    assert "celery -A actionlearning worker" in services["worker"]["command"]
    assert "gunicorn actionlearning.wsgi" in services["web"]["command"]


def test_compose_long_running_services_all_have_healthchecks():
    services = _compose_services()
    one_off = {
        name
        for keys in services.values()
        for name, condition in _conditions(keys).items()
        if condition == "service_completed_successfully"
    }

    without_healthcheck = sorted(
        name
        for name in services.keys() - one_off
        if "test:" not in services[name].get("healthcheck", "")
    )

    assert without_healthcheck == []
    assert services.keys() - one_off == LONG_RUNNING
    assert "/healthz" in services["web"]["healthcheck"]
    assert "inspect ping -d celery@$$HOSTNAME" in services["worker"]["healthcheck"]


def test_compose_app_services_start_after_migrate_on_production_settings():
    services = _compose_services()

    for name in ("web", "worker", "beat"):
        assert _conditions(services[name])["migrate"] == "service_completed_successfully"
        assert "DJANGO_DEBUG: 'false'" in services[name]["environment"].replace('"', "'")
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == '"no"'
    assert _conditions(services["migrate"]) == {"postgres": "service_healthy"}
    assert "EMAIL_URL: smtp://mailpit:1025" in services["web"]["environment"]


@pytest.mark.django_db
def test_healthz_reports_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _database_refuses(execute, sql, params, many, context):
    raise OperationalError("the database server has gone away")


@pytest.mark.django_db
def test_healthz_reports_database_down_when_queries_fail(client):
    with connection.execute_wrapper(_database_refuses):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_reports_broker_down_when_it_cannot_connect(client, monkeypatch):
    # Nothing listens on port 1, so the connection is refused at once.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "down"}


def _production_env() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "SITE_URL"))
    }
    return env | {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
        "DJANGO_ALLOWED_HOSTS": "learning.example.org",
        "SITE_URL": "https://learning.example.org",
    }


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_secure_cookies_and_https():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=_production_env() | {"DJANGO_SETTINGS_MODULE": "actionlearning.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, True, True, True, 31536000, "https"]


def _directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_home_page_sends_a_strict_content_security_policy(client):
    response = client.get("/")

    directives = _directives(response["Content-Security-Policy"])

    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]
