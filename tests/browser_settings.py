"""The server of the browser tests (tests/browser/conftest.py): the development settings of `make run`, with the
media folder the tests name (a copy of the demo's images, not a developer's media/)."""

import os
from pathlib import Path

from lms.settings.dev import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["BROWSER_MEDIA_ROOT"])
