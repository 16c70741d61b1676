"""Addresses without a language prefix: those that exist in the visitor's language redirect there, the others answer
404 where they were asked (the site's translated 404 page, or the admin's own)."""

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_language_left_active():
    """A request activates its language in this thread and nothing resets it: leave none for the next test."""
    yield
    translation.deactivate()


@pytest.mark.parametrize(
    "path", ["/nothing/", "/nothing", "/courses/no-such-course/", "/wp-login.php", "/documents/x/"]
)
def test_an_unknown_address_outside_the_language_prefix_answers_404_in_the_visitors_language(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404, response.get("Location")
    page = response.content.decode()
    assert '<html lang="fr"' in page and "Page introuvable" in page
    assert "Accept-Language" in response["Vary"]


def test_an_unknown_admin_address_stays_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/nothing-here/")
    assert response.status_code == 404
    assert "wagtailadmin/404.html" in [template.name for template in response.templates]
    assert client.get("/admin/nothing-here").status_code in (301, 404)  # APPEND_SLASH, then the same 404
    anonymous = client.__class__().get("/admin/nothing-here/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("language", "path", "target"),
    [
        ("fr", "/", "/fr/"),
        ("fr", "/formations/", "/fr/formations/"),
        ("en", "/courses", "/en/courses/"),
        ("fr", "/accounts/login/?next=/fr/learning/", "/fr/accounts/login/?next=/fr/learning/"),
        ("es", "/learning/", "/es/learning/"),
    ],
)
def test_an_address_that_exists_in_the_visitors_language_still_redirects_there(client, language, path, target):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302 and response["Location"] == target
