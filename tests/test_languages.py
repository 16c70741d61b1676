"""Languages added by settings alone: each gets its content locale and page tree, browsers asking for a regional
variant are served its base language, and text shown in another language than the page's says which."""

import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.models import Locale, Page
from wagtail_localize.models import LocaleSynchronization

from curriculum.i18n import shipped_language_codes
from curriculum.locales import content_locales_sync
from curriculum.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", shipped_language_codes())
def test_every_language_in_settings_has_its_locale_mirroring_the_default_tree(language):
    locale = Locale.objects.get(language_code=language)
    home = HomePage.objects.get(locale=locale)
    if language != "en":
        assert LocaleSynchronization.objects.get(locale=locale).sync_from.language_code == "en"
        pages = Page.objects.filter(depth__gt=1)
        assert pages.filter(locale=locale).count() == pages.filter(locale__language_code="en").count()
    assert home.live


def test_a_language_added_to_settings_is_reachable_after_migrate_showing_the_fallback(settings, capsys):
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES
    assert not Locale.objects.filter(language_code="de").exists()
    call_command("sync_languages")
    assert "created the locale de" in capsys.readouterr().out
    german = Locale.objects.get(language_code="de")
    english_pages = Page.objects.filter(locale__language_code="en", depth__gt=1)
    assert Page.objects.filter(locale=german, alias_of__isnull=False).count() == english_pages.count()

    page = Client().get("/de/").content.decode()
    assert '<html lang="de" dir="ltr">' in page
    assert 'class="notice notice--fallback"' in page
    assert 'href="/de/courses/"' in page, "links stay in the new language's tree"
    again = content_locales_sync()
    assert not again.locales_created and not again.pages_mirrored, "a second run adds nothing"


@pytest.mark.parametrize(
    "accepted, served",
    [
        ("es-MX,es;q=0.9", "es"),
        ("es-MX", "es"),
        ("pt-BR", "pt"),
        ("sw-KE", "sw"),
        ("ar-EG,en;q=0.5", "ar"),
        ("id-ID", "id"),
        ("fr-CA", "fr"),
        ("de-DE,de;q=0.9", "en"),
        ("zh-Hans", "en"),
    ],
)
def test_a_browsers_regional_language_is_served_its_base_language(accepted, served):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=accepted)
    assert response.status_code == 302
    assert response["Location"] == f"/{served}/"


def test_a_language_chosen_before_wins_over_the_browsers():
    client = Client()
    client.cookies["django_language"] = "id"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="sw-KE")["Location"] == "/id/"
