"""The app servers and worker of tests/test_scale_out.py: the production settings as the environment configures them
(PostgreSQL, Redis, S3), except that static files come from the source folders (collectstatic is not what the test is
about) and a PDF build's lease lapses in seconds, so the worker the test kills is taken over quickly."""

import os

from lms.settings.production import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
PDF_BUILD_LEASE_SECONDS = float(os.environ.get("PDF_BUILD_LEASE_SECONDS", "3"))
