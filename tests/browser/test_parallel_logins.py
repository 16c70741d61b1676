"""Simultaneous requests against gunicorn (several worker processes, threads in each) on the browser tests'
database: the login limit checks exactly five passwords however many arrive at once, and simultaneous sign-ups
with one address make one account."""

import http.cookiejar
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.live_site import serving

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser
PARALLEL = 20
PASSWORD = "pw-parallel-2045x"


@pytest.fixture(scope="module")
def gunicorn_url(site_url, site_env):
    """gunicorn on the demo database, behind one (pretended) proxy: each test names its clients' addresses."""
    env = {**site_env, "TRUSTED_PROXY_COUNT": "1"}

    def gunicorn(port):
        return [sys.executable, "-m", "gunicorn", "lms.wsgi", "-w", "3", "-k", "gthread", "--threads", "8"] + [
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ]

    with serving(env, command=gunicorn, start_timeout=90) as url:
        yield url


class Browser:
    """One visitor: its own cookies, coming from `address` (as the proxy reports it)."""

    def __init__(self, base_url: str, address: str):
        self.base_url, self.address = base_url, address
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        url = self.base_url + path
        body = None
        if data is not None:
            token = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url, "X-Forwarded-For": self.address})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def all_at_once(browsers, path: str, data_for) -> list[tuple[int, str]]:
    """Each browser opens the form, then all post it at the same instant."""
    for browser in browsers:
        browser.open(path)
    start = threading.Barrier(len(browsers))

    def post(pair):
        number, browser = pair
        start.wait()
        return browser.open(path, data_for(number))

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        return list(pool.map(post, enumerate(browsers)))


def unique_address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def sign_up(base_url: str, email: str) -> None:
    browser = Browser(base_url, unique_address())
    browser.open("/en/accounts/signup/")
    status, _page = browser.open(
        "/en/accounts/signup/",
        {
            "email": email,
            "display_name": "Parallel",
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert status == 200


def outcome(response: tuple[int, str]) -> str:
    status, page = response
    if status != 200:
        return f"HTTP {status}"
    if "Too many attempts" in page:
        return "refused"
    if "do not match an account" in page:
        return "checked"
    return "other"


@pytest.mark.parametrize(
    "clients", ["one client, one account", "many clients, one account", "one client, many accounts"]
)
def test_twenty_simultaneous_wrong_passwords_get_exactly_five_checked(gunicorn_url, clients):
    email = f"parallel-{uuid.uuid4().hex[:8]}@example.org"
    sign_up(gunicorn_url, email)
    one_address = unique_address()
    browsers = [
        Browser(gunicorn_url, unique_address() if clients == "many clients, one account" else one_address)
        for _number in range(PARALLEL)
    ]

    def wrong(number):
        account = f"nobody-{number}-{email}" if clients == "one client, many accounts" else email
        return {"username": account, "password": "not-the-password"}

    outcomes = [outcome(response) for response in all_at_once(browsers, "/en/accounts/login/", wrong)]
    assert sorted(outcomes) == ["checked"] * 5 + ["refused"] * 15, Counter(outcomes)

    if clients != "one client, many accounts":
        late = Browser(gunicorn_url, unique_address())
        late.open("/en/accounts/login/")
        status, page = late.open("/en/accounts/login/", {"username": email, "password": PASSWORD})
        assert "Too many attempts" in page, "the right password, from anywhere, waits too"


def test_twenty_simultaneous_sign_ups_with_one_address_make_one_account(gunicorn_url, site_env):
    email = f"same-{uuid.uuid4().hex[:8]}@example.org"
    browsers = [Browser(gunicorn_url, unique_address()) for _number in range(PARALLEL)]

    def form(number):
        return {
            "email": email,
            "display_name": f"Person {number}",
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }

    responses = all_at_once(browsers, "/en/accounts/signup/", form)
    assert {status for status, _page in responses} == {200}, Counter(status for status, _page in responses)
    refused = [page for _status, page in responses if "An account with this email address already exists" in page]
    assert len(refused) == PARALLEL - 1
    count = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from lms.accounts.models import User; print(User.objects.filter(email__iexact='{email}').count())",
        ],
        cwd=ROOT,
        env=site_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    assert count == "1"
