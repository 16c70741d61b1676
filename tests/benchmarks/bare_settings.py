"""The bare Wagtail site beside ours in the served benchmark: the same database, production settings and gunicorn,
with the middleware a new Wagtail project has (`wagtail start`, plus the locale middleware of a multilingual one)
and one view, the bare page (tests.benchmarks.bare)."""

from tests.benchmarks.soak_settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.bare_urls"
MIDDLEWARE = [
    "tests.benchmarks.query_count.QueryCountMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
]
