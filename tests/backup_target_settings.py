"""The site a backup is restored into by tests/test_backup.py: the test settings, on the database (DATABASE_URL)
and in the media and private folders the test names, all new and empty."""

import os
from pathlib import Path

from lms.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["RESTORED_MEDIA_ROOT"])
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {**STORAGES["private"], "OPTIONS": {"location": Path(os.environ["RESTORED_PRIVATE_ROOT"])}},  # noqa: F405
}
