import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signed_out_home_explains_the_product(client):
    page = client.get(reverse("home")).content.decode()
    assert "<h1>Spread what works, together</h1>" in page
    assert "action learning sets" in page
    assert 'href="/accounts/signup/"' in page


def test_signed_in_home_greets_the_person(client):
    client.force_login(UserFactory(full_name="Priya Shah"))
    page = client.get(reverse("home")).content.decode()
    assert "Welcome, Priya" in page
    assert "Sign out" in page


def test_layout_has_skip_link_landmarks_and_no_inline_script(client):
    page = client.get(reverse("home")).content.decode()
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in page
    for landmark in (
        "<header",
        '<nav class="site-nav" aria-label="Main">',
        '<main id="main"',
        "<footer",
    ):
        assert landmark in page
    assert "<script>" not in page
    assert "style=" not in page


def test_unknown_page_shows_the_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_server_error_page_says_nothing_saved_is_lost():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Nothing you had already saved is lost." in response.content.decode()
