"""Settings of the server and worker processes of tests/test_faults.py: the test settings on a database copied from
the test run's, with a cache, private files and a task queue that every process of the test shares, and short PDF
leases so a dead worker's build is taken over within seconds."""

import os
from pathlib import Path

from lms.settings.test import *  # noqa: F403

_FOLDER = Path(os.environ["FAULTS_FOLDER"])
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": _FOLDER / "cache"}}
STORAGES = {**STORAGES, "private": {**STORAGES["private"], "OPTIONS": {"location": _FOLDER / "private"}}}  # noqa: F405
TASKS = {**TASKS, "workbooks": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}  # noqa: F405
PDF_BUILD_LEASE_SECONDS = float(os.environ.get("PDF_BUILD_LEASE_SECONDS", "2"))
