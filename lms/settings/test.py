"""Tests: fast hashing, in-memory mail, and the same database switch as every environment (DATABASE_URL)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
WHITENOISE_USE_FINDERS = True  # serve static/ straight from the source folders: no collectstatic needed
# Each test process has its own cache; tests/conftest.py empties it before every test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {**STORAGES, "private": {**STORAGES["private"], "OPTIONS": {"location": BASE_DIR / "var" / "test-private"}}}  # noqa: F405
