"""How pages travel: compressed where the client accepts it, light enough for a cheap phone, with the address the
development server really serves on, and the site's own 404 page even with DEBUG on."""

import gzip
import os
import re
import subprocess
import sys

import pytest
from django.test import Client

from curriculum.typography import typeset_text
from tests.helpers import lesson_in
from tests.live_site import ROOT
from tests.quiz_builder import demo_quiz, start

pytestmark = pytest.mark.django_db

LIMIT = 100_000  # bytes of HTML, CSS and JavaScript a learner page may take, uncompressed


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def settings_of(module: str, *names: str, **env) -> list[str]:
    """Settings as a fresh process reads them from this environment (settings are read once, at start)."""
    environment = {
        key: value for key, value in os.environ.items() if key not in ("HOST", "PORT", "PUBLIC_BASE_URL")
    } | {"DJANGO_SETTINGS_MODULE": module, **env}
    environment.pop("WAGTAILADMIN_BASE_URL", None)
    code = "from django.conf import settings\n" + "".join(f"print(settings.{name})\n" for name in names)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


# -- compression ------------------------------------------------------------------------------------------------------


def test_a_learner_page_asked_with_gzip_comes_back_gzipped(client):
    lesson = lesson_in("fr", 1)
    plain = client.get(lesson.url)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    packed = client.get(lesson.url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip"
    page = gzip.decompress(packed.content).decode()
    assert page.startswith("<!DOCTYPE html>") and typeset_text(lesson.title) in page  # (French: no-break spaces)
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 2


def test_static_text_is_compressed_and_parts_of_files_are_not(client):
    css = client.get("/static/css/site.css", HTTP_ACCEPT_ENCODING="gzip")
    assert css.status_code == 200 and css["Content-Encoding"] == "gzip"
    assert b"{" in gzip.decompress(body(css))
    part = client.get("/static/css/site.css", HTTP_ACCEPT_ENCODING="gzip", HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and "Content-Encoding" not in part and len(body(part)) == 100


def test_the_production_settings_compress_with_djangos_breach_padding():
    from django.middleware.gzip import GZipMiddleware

    production = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "academy.example.org",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/nothing",
        "TRUSTED_PROXY_COUNT": "1",
    }
    (middleware,) = settings_of("lms.settings.production", "MIDDLEWARE", **production)
    order = eval(middleware)  # noqa: S307 (our own settings, printed as a list)
    compression = order.index("lms.middleware.CompressionMiddleware")
    assert order.index("django.middleware.security.SecurityMiddleware") < compression
    assert compression < order.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert compression < min(order.index(name) for name in order if "Session" in name or "Csrf" in name)
    assert GZipMiddleware.max_random_bytes >= 100, "Django pads compressed pages against BREACH"


# -- weight -----------------------------------------------------------------------------------------------------------


def test_every_learner_page_is_under_100_kb_of_html_css_and_javascript(learner_client, catalogue_en, demo_course):
    quiz = demo_quiz("fr", 1)
    start(learner_client, quiz, "fr")  # the quiz page at its heaviest: an attempt open, its script loaded
    pages = {
        "catalogue": "/fr/formations/",
        "course": demo_course.get_translation(quiz.locale).url,
        "lesson": lesson_in("fr", 2, 1).url,
        "quiz": quiz.url,
        "dashboard": "/fr/learning/",
    }
    for name, url in pages.items():
        response = learner_client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        page = response.content.decode()
        assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        assets += re.findall(r'<script[^>]* src="([^"]+)"', page)
        assert assets, name
        size = len(response.content) + sum(len(body(learner_client.get(asset))) for asset in assets)
        assert size < LIMIT, (name, size)


# -- the development server's address ---------------------------------------------------------------------------------


def test_the_public_address_falls_back_to_the_port_and_host_make_run_serves_on():
    assert settings_of("lms.settings.dev", "PUBLIC_BASE_URL", "WAGTAILADMIN_BASE_URL") == ["http://127.0.0.1:8000"] * 2
    assert settings_of("lms.settings.dev", "PUBLIC_BASE_URL", PORT="8101") == ["http://127.0.0.1:8101"]
    on_lan = settings_of("lms.settings.dev", "PUBLIC_BASE_URL", "ALLOWED_HOSTS", HOST="192.168.1.20", PORT="8101")
    assert on_lan[0] == "http://192.168.1.20:8101" and "'192.168.1.20'" in on_lan[1]
    assert settings_of("lms.settings.dev", "PUBLIC_BASE_URL", HOST="::1", PORT="8101") == ["http://[::1]:8101"]
    named = settings_of("lms.settings.dev", "PUBLIC_BASE_URL", PORT="8101", PUBLIC_BASE_URL="http://laptop.local:8101/")
    assert named == ["http://laptop.local:8101"]


def test_make_run_passes_its_port_and_host_on():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^export HOST PORT$", makefile, re.MULTILINE)
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=8101" in readme and "HOST=" in readme


def test_demo_logins_are_printed_with_the_address_served(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8101"
    output = StringIO()
    call_command("demo_accounts", stdout=output)
    assert "http://127.0.0.1:8101/admin/" in output.getvalue() and ":8000" not in output.getvalue()


# -- 404 with DEBUG on ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/fr/formations/no-such-course/", "/fr/learning/workbooks/nothing/", "/nothing/"])
def test_with_debug_on_a_404_is_the_sites_translated_page(settings, path):
    settings.DEBUG = True
    visitor = Client()  # its middleware is loaded with DEBUG on
    response = visitor.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page and '<html lang="fr"' in page
    assert "URLconf" not in page and "DEBUG = True" not in page
    debug = visitor.get(path + "?django-404", HTTP_ACCEPT_LANGUAGE="fr")
    assert debug.status_code == 404 and "DEBUG = True" in debug.content.decode(), "Django's page on demand"


def test_with_debug_off_the_parameter_changes_nothing(client):
    response = client.get("/fr/formations/no-such-course/?django-404", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()
