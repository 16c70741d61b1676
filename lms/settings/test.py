"""Tests: fast hashing, in-memory mail, and the same database switch as every environment (DATABASE_URL)."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True  # serve static/ straight from the source folders: no collectstatic needed
# Each test process has its own cache; tests/conftest.py empties it before every test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The files tests store (media, private PDFs) go to new folders for each test run, one per pytest-xdist worker: the
# backup test compares every stored file, so no other worker or earlier run may add any. The first process of a run
# to read these settings (pytest) makes the run's folder and removes it when it exits; the processes it starts
# (xdist workers, test servers, manage.py commands) inherit TEST_FILES_ROOT and use their worker's folders, or the
# folder TEST_FILES names (the demo database's template, tests/demo_database.py).
if "TEST_FILES_ROOT" not in os.environ:
    os.environ["TEST_FILES_ROOT"] = tempfile.mkdtemp(prefix="academy-test-files-")
    atexit.register(shutil.rmtree, os.environ["TEST_FILES_ROOT"], ignore_errors=True)
TEST_FILES = Path(
    os.environ.get("TEST_FILES") or Path(os.environ["TEST_FILES_ROOT"], os.environ.get("PYTEST_XDIST_WORKER", "main"))
)
MEDIA_ROOT = TEST_FILES / "media"
STORAGES = {**STORAGES, "private": {**STORAGES["private"], "OPTIONS": {"location": TEST_FILES / "private"}}}  # noqa: F405
CREDENTIAL_KEYS_DIR = TEST_FILES / "credential-keys"
