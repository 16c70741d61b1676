"""The soak's site: the production settings unchanged, except that its files live in the run's own folder (SOAK_DIR)
so that a benchmark never writes into the machine's media/ or var/."""

import os
from pathlib import Path

from lms.settings.production import *  # noqa: F403

_SOAK_DIR = Path(os.environ["SOAK_DIR"])
MEDIA_ROOT = _SOAK_DIR / "media"
STATIC_ROOT = _SOAK_DIR / "static"
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {**STORAGES["private"], "OPTIONS": {"location": _SOAK_DIR / "private", "base_url": None}},  # noqa: F405
}
