"""Browser tests drive Debian's Chromium against a real server process with the demo site on its own database.

The server runs in a subprocess (as `make run` does), so the database it uses is separate from pytest-django's
per-test transactions: SQLite in a temporary file, or a `<name>_browser` database on the PostgreSQL server that
DATABASE_URL points at.
"""

import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.live_site import MANAGE, ROOT, serving

CHROMIUM = "/usr/bin/chromium"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Browser tests run in one pytest-xdist worker (`make test` runs --dist loadgroup): they share one server and
    one Chromium, which take longer to start than most tests take to run."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def _browser_database_url(tmp_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    import psycopg

    base, _, name = url.rpartition("/")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # a database of each worker's own, should two need one
    browser_name = f"{name.split('?')[0]}_browser" + (f"_{worker}" if worker else "")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{browser_name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{browser_name}"')
    return f"{base}/{browser_name}"


@pytest.fixture(scope="session")
def site_env(tmp_path_factory):
    """The environment of the test server: dev settings on a database of its own."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": _browser_database_url(tmp_path_factory.mktemp("browser-db")),
        "CACHE_DIR": str(tmp_path_factory.mktemp("browser-cache")),  # never a developer's running site's cache
    }


@pytest.fixture(scope="session")
def site_url(site_env):
    env = site_env
    subprocess.run([*MANAGE, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*MANAGE, "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    with serving(env) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A cheap Android phone's screen, set to French."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def sign_up_in_french(page, site_url, *, name: str, password: str) -> str:
    """A new learner creates an account through the French sign-up form; returns the email used."""
    email = f"learner-{uuid.uuid4().hex[:8]}@example.org"
    page.goto(site_url + "/fr/accounts/signup/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Nom affiché").fill(name)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(password)
    page.get_by_label("Confirmation du mot de passe").fill(password)
    page.get_by_role("button", name="Créer mon compte").click()
    return email
