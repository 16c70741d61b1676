"""Development: the `make run` site. Debug on, a fixed local secret, mail to the console."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "development-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
WHITENOISE_USE_FINDERS = True  # serve static/ straight from the source folders: no collectstatic needed
# `runserver` leaves static files to WhiteNoise (lms.settings.base's MIDDLEWARE), as production does: they come with
# caching headers (a minute, then a check that answers "not modified") and compressed (lms.middleware).
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]  # noqa: F405
WHITENOISE_MAX_AGE = 60
# A template or a string edited shows on the next reload: no kept copies of public pages (lms.anonymous_pages).
ANONYMOUS_PAGE_CACHE_SECONDS = int(os.environ.get("ANONYMOUS_PAGE_CACHE_SECONDS", "0"))
_host = os.environ.get("HOST", "").strip().strip("[]")  # the address `make run HOST=...` serves on
if _host not in ("", "0.0.0.0", "::"):  # noqa: S104 (compared, not bound)
    ALLOWED_HOSTS.append(f"[{_host}]" if ":" in _host else _host)
