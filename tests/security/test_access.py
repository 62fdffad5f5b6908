"""Every route the project serves is declared with who may open it, and behaves so.

A new route that nobody declared fails `test_every_route_is_declared`. Routes
open to anyone, to signed-in people or to staff are then checked here for a
stranger, a signed-in person and staff; object-level rules name the module
that tests them, which must exist.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.security
from tests.factories import StaffFactory, UserFactory
from tests.security.access import Rule, Who

REPO = Path(__file__).resolve().parents[2]


def _declared_routes() -> dict[str, Rule]:
    routes: dict[str, Rule] = {}
    for module in pkgutil.iter_modules(tests.security.__path__):
        if module.name.startswith("routes_"):
            routes |= importlib.import_module(f"tests.security.{module.name}").ROUTES
    return routes


def _named_routes(patterns=None, namespace=""):
    """(name, pattern) for every named route, namespaces included."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from _named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _rule_for(name: str, declared: dict[str, Rule]) -> Rule | None:
    if name in declared:
        return declared[name]
    prefixes = [key for key in declared if key.endswith(":") and name.startswith(key)]
    return declared[max(prefixes, key=len)] if prefixes else None


DECLARED = _declared_routes()
ROUTES = dict(_named_routes())


def _url(name: str, rule: Rule) -> str | None:
    try:
        return reverse(name, kwargs=dict(rule.kwargs))
    except Exception:  # noqa: BLE001 - the route needs arguments we have no sample for
        return None


def _checkable(who: Who) -> list[tuple[str, str]]:
    cases = []
    for name in sorted(ROUTES):
        rule = _rule_for(name, DECLARED)
        if rule and rule.who == who and (url := _url(name, rule)):
            cases.append((name, url))
    return cases


def test_every_route_is_declared():
    undeclared = sorted(name for name in ROUTES if _rule_for(name, DECLARED) is None)
    assert undeclared == [], "Declare who may open these routes in tests/security/routes_*.py"


def test_object_rules_name_an_existing_test_module():
    missing = {
        name: rule.tested_in
        for name, rule in DECLARED.items()
        if rule.who == Who.OBJECT and not (REPO / rule.tested_in).is_file()
    }
    assert missing == {}


def test_declarations_name_only_real_routes():
    stale = sorted(
        key
        for key in DECLARED
        if (key.endswith(":") and not any(n.startswith(key) for n in ROUTES))
        or (not key.endswith(":") and key not in ROUTES)
    )
    assert stale == []


def _signed_in_with_two_factor(client, user):
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(user)
    client.force_login(user)
    return user


def _ends_at_sign_in(response) -> bool:
    return response.request["PATH_INFO"] == reverse("account_login")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), _checkable(Who.ANONYMOUS))
def test_open_routes_answer_a_stranger(client, name, url):
    response = client.get(url, follow=True)
    assert response.status_code in {200, 405}, name
    assert not _ends_at_sign_in(response) or name == "account_login", name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "url"),
    _checkable(Who.SIGN_IN_STEP) + _checkable(Who.SIGNED_IN) + _checkable(Who.STAFF),
)
def test_closed_routes_send_a_stranger_to_sign_in(client, name, url):
    response = client.get(url, follow=True)
    assert _ends_at_sign_in(response), name
    assert response.status_code == 200, name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), _checkable(Who.SIGNED_IN))
def test_signed_in_routes_open_for_a_signed_in_person(client, name, url):
    _signed_in_with_two_factor(client, UserFactory())
    response = client.get(url, follow=True)
    assert response.status_code in {200, 405}, name
    assert not _ends_at_sign_in(response), name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), _checkable(Who.STAFF))
def test_staff_routes_refuse_a_signed_in_person_who_is_not_staff(client, name, url):
    _signed_in_with_two_factor(client, UserFactory())
    response = client.get(url, follow=True)
    assert response.status_code == 403, name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "url"),
    [
        (name, url)
        for name, url in _checkable(Who.STAFF)
        if _rule_for(name, DECLARED).opens_without_parameters
    ],
)
def test_staff_routes_open_for_staff_with_two_factor(client, name, url):
    _signed_in_with_two_factor(client, StaffFactory())
    response = client.get(url, follow=True)
    assert response.status_code in {200, 405}, name
    assert not _ends_at_sign_in(response), name
