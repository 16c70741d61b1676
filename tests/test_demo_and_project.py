"""The demo loader, the Django checks, migrations and production settings."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Page

from curriculum.i18n import shipped_language_codes
from curriculum.models import CoursePage, ILMElement, LessonPage, QuizPage

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_load_demo_twice_changes_nothing_and_says_so():
    pages_before = Page.objects.count()
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert "already loaded: nothing changed" in output.getvalue()
    assert Page.objects.count() == pages_before


def test_demo_is_complete_in_english_and_french_and_partly_in_spanish_and_swahili():
    def real(model, language):
        return model.objects.filter(locale__language_code=language, alias_of__isnull=True).count()

    assert real(LessonPage, "en") == real(LessonPage, "fr") >= 18
    for partly in ("es", "sw"):  # the overview, module 1 and its quiz
        assert 3 <= real(LessonPage, partly) < real(LessonPage, "en"), partly
        assert real(QuizPage, partly) == 1, partly
    for interface_only in ("pt", "id", "ar"):
        assert real(LessonPage, interface_only) == 0, interface_only
    for language in shipped_language_codes():
        assert LessonPage.objects.filter(locale__language_code=language).count() == real(LessonPage, "en"), language
    assert CoursePage.objects.filter(alias_of__isnull=True).count() == 6, "two courses in en and fr, one in es and sw"


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _run_with_production_settings(*args, env_extra=None):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "TRUSTED_PROXY_COUNT")
    }
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.production"
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_refuses_to_start_without_its_secrets():
    result = _run_with_production_settings("check")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_refuses_a_wildcard_host(tmp_path):
    result = _run_with_production_settings(
        "check",
        env_extra={"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "*", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"},
    )
    assert result.returncode != 0 and "ALLOWED_HOSTS must name the site's hosts" in result.stderr


def test_production_deployment_checks_are_clean(tmp_path):
    result = _run_with_production_settings(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "SECRET_KEY": "a-long-random-production-secret-" + "x9Qz" * 10,
            "ALLOWED_HOSTS": "academy.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "TRUSTED_PROXY_COUNT": "1",
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_logs_errors_mails_admins_and_sends_security_headers(tmp_path):
    """What check --deploy does not look at: tracebacks go to stderr and to ADMINS, every page gets its policies."""
    script = (
        "from django.conf import settings as s; import logging; "
        "print(s.ADMINS, s.EMAIL_TIMEOUT, [h.__class__.__name__ for h in logging.getLogger('django.request').handlers],"
        " s.MIDDLEWARE.index('lms.security.SecurityHeadersMiddleware')"
        " < s.MIDDLEWARE.index('django.middleware.clickjacking.XFrameOptionsMiddleware'))"
    )
    result = _run_with_production_settings(
        "shell",
        "--no-imports",
        "-c",
        script,
        env_extra={
            "SECRET_KEY": "a-long-random-production-secret-" + "x9Qz" * 10,
            "ALLOWED_HOSTS": "academy.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "ADMINS": "Site Operator <ops@example.org>",
            "TRUSTED_PROXY_COUNT": "1",
        },
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == "[('Site Operator', 'ops@example.org')] 10 ['StreamHandler', 'AdminEmailHandler'] True"
    )


def test_ilm_element_colours_are_dark_enough_for_white_numbers():
    from django.core.exceptions import ValidationError

    for element in ILMElement.objects.all():
        element.full_clean()
    element = ILMElement.objects.first()
    element.colour = "#f3c54b"
    with pytest.raises(ValidationError, match="too light for white text"):
        element.full_clean()


def test_demo_accounts_exist_for_every_role_and_log_in(client, settings):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("demo_accounts", stdout=StringIO())
    settings.DEBUG = True
    output = StringIO()
    call_command("demo_accounts", stdout=output)
    call_command("demo_accounts", stdout=StringIO())  # a second run changes nothing
    assert "facilitator@example.org / landscape-facilitator" in output.getvalue()
    from django.contrib.auth import get_user_model

    for email, group in (
        ("editor@example.org", "Landscape Learning Institute editors"),
        ("moderator@example.org", "Landscape Learning Institute moderators"),
        ("facilitator@example.org", "Landscape Learning Institute facilitators"),
        ("editor.sahel@example.org", "Sahel Restoration Centre editors"),
        ("moderator.sahel@example.org", "Sahel Restoration Centre moderators"),
        ("facilitator.sahel@example.org", "Sahel Restoration Centre facilitators"),
    ):
        assert list(get_user_model().objects.get(email=email).groups.values_list("name", flat=True)) == [group]
        assert email in output.getvalue()
    assert get_user_model().objects.filter(email="learner@example.org").count() == 1
    response = client.post("/en/accounts/login/", {"username": "learner@example.org", "password": "landscape-learner"})
    assert response["Location"] == "/fr/learning/"
