"""The site a backup is restored into by tests/test_backup.py: the test settings, on the database (DATABASE_URL)
and in the media and private folders the test names, all new and empty."""

import os
from pathlib import Path

from lms.settings.object_storage import s3_settings
from lms.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["RESTORED_MEDIA_ROOT"])
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {**STORAGES["private"], "OPTIONS": {"location": Path(os.environ["RESTORED_PRIVATE_ROOT"])}},  # noqa: F405
}

# Or, when the test names a bucket, the restored site's files on S3-compatible storage (as production configures it).
if _object_storage := s3_settings(os.environ):
    STORAGES = {**STORAGES, **_object_storage["storages"]}
    MEDIA_URL = _object_storage["media_url"]
