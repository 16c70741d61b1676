"""Browser tests drive Debian's Chromium against a real server process with the demo site on its own database.

The server runs in a subprocess (as `make run` does), so the database it uses is separate from pytest-django's
per-test transactions: a copy of the test run's demo database (tests/demo_database.py), in a temporary SQLite file
or a `<name>_browser` database on the PostgreSQL server that DATABASE_URL points at.
"""

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests import demo_database
from tests.live_site import ROOT, serving  # noqa: F401 (ROOT: browser tests import it from here)

CHROMIUM = "/usr/bin/chromium"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Browser tests run in one pytest-xdist worker (`make test` runs --dist loadgroup): they share one server and
    one Chromium, which take longer to start than most tests take to run."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def site_env(tmp_path_factory):
    """The environment of the test server: the development settings, on a copy of the demo site of its own."""
    folder = tmp_path_factory.mktemp("browser-site")
    url = os.environ.get("DATABASE_URL", "")
    name = url.rpartition("/")[2].split("?")[0] if url.startswith(("postgres://", "postgresql://")) else "demo"
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # a database of each worker's own, should two need one
    name = f"{name}_browser" + (f"_{worker}" if worker else "")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser_settings",
        "DATABASE_URL": demo_database.site_copy(name, folder / "media"),
        "BROWSER_MEDIA_ROOT": str(folder / "media"),
        "CACHE_DIR": str(tmp_path_factory.mktemp("browser-cache")),  # never a developer's running site's cache
    }


@pytest.fixture(scope="session")
def site_url(site_env):
    with serving(site_env) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    # Playwright's sync API keeps its asyncio loop current in this thread until the session ends, and Django then
    # refuses every database call of the tests this worker runs next (SynchronousOnlyOperation), though none of our
    # code runs in that loop: the print-layout tests failed so after the browser tests on one pytest-xdist worker.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
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


def page_width(page) -> int:
    """How wide the page the browser has finished loading is, in CSS pixels.

    It waits for the load first: right after a click that navigates, the new document may not have its
    <html> element yet, and reading it then fails (a CI run failed so).
    """
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth")


def fits_the_screen(page) -> bool:
    """Nothing on the page is wider than the window: no sideways scrolling on a phone."""
    return page_width(page) <= page.viewport_size["width"]
