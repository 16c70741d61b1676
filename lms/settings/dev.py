"""Development: the `make run` site. Debug on, a fixed local secret, mail to the console."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "development-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
WHITENOISE_USE_FINDERS = True  # serve static/ straight from the source folders: no collectstatic needed
