"""Every interface string is translated in every shipped language, and the catalogues match the code."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
SOURCES = ["manage.py", "lms", "curriculum", "templates", "locale"]


def catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def message_ids(catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory) -> Path:
    """makemessages run on a scratch copy of the project, so the committed catalogues are never touched."""
    copy = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, copy / name)
    languages = [arg for code in TRANSLATED_LANGUAGES for arg in ("-l", code)]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, "--no-obsolete", "--no-location", "-v", "0"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
        check=True,
    )
    return copy


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_is_up_to_date_with_the_code(fresh_extraction, language):
    relative = Path("locale") / language / "LC_MESSAGES" / "django.po"
    committed = message_ids(catalogue(ROOT / relative))
    extracted = message_ids(catalogue(fresh_extraction / relative))
    missing = extracted - committed
    stale = committed - extracted
    missing, stale = sorted(missing, key=str), sorted(stale, key=str)  # a string with a context is a tuple
    assert not missing, f"strings in the code missing from {relative} (run `make messages`): {missing[:10]}"
    assert not stale, f"strings in {relative} no longer in the code (run `make messages`): {stale[:10]}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_is_completely_translated(language):
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    untranslated = []
    for message in catalogue(path):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert not untranslated, f"{path}: untranslated or fuzzy: {untranslated[:10]}"
    checked = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
