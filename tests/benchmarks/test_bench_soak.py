"""`make bench`: a soak. 20 learners use the site at once for a bounded time (SOAK_SECONDS, 60 by default) against
gunicorn with the production settings on a PostgreSQL database of the soak's own: each logs in, reads lessons, marks
them complete, takes a quiz (answers saved as they go, then submitted), looks at the attempt and at "My learning".
It reports requests, latency, errors (there must be none) and the gunicorn workers' memory at the start and the end.

Everything stays on loopback; the soak's database (a copy of the benchmarks' demo template, tests.benchmarks.served)
and folders are created for the run and removed after it.
"""

import os
import random
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.benchmarks import learner_pages, served
from tests.benchmarks.learner_pages import COURSE

ROOT = Path(__file__).resolve().parents[2]
LEARNERS = 20
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
WORKERS = 4  # as the README's gunicorn example
PASSWORD = "soak-learner-2045"


@pytest.fixture(scope="module")
def soak_site():
    """A copy of the demo site (tests.benchmarks.served) with 20 learner accounts."""
    with served.demo_database(os.environ.get("BENCH_DATABASE", "bench") + "_soak") as (database_url, folder):
        env = served.site_environment("tests.benchmarks.soak_settings", database_url, folder)
        accounts = (
            "from django.contrib.auth import get_user_model as U; "
            f"[U().objects.create_user(f'soak-{{n}}@example.org', f'soak-{{n}}@example.org', '{PASSWORD}', "
            f"display_name=f'Soak learner {{n}}') for n in range({LEARNERS})]"
        )
        subprocess.run([*served.MANAGE, "shell", "--no-imports", "-c", accounts], cwd=ROOT, env=env, check=True)
        yield env


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Learner:
    """One person on a phone: cookies kept by hand (the production cookies are Secure, and the soak speaks plain
    HTTP to gunicorn as the TLS proxy would), the CSRF token of each form, redirects followed."""

    opener = urllib.request.build_opener(_NoRedirects)

    def __init__(self, base_url: str, number: int, stats: "Stats"):
        self.base_url, self.number, self.stats = base_url, number, stats
        self.email = f"soak-{number}@example.org"
        self.cookies: dict[str, str] = {}
        self.origin = "https://" + urllib.parse.urlsplit(base_url).netloc

    def request(self, path: str, data: dict | None = None, expect=(200,)) -> tuple[int, str]:
        """(status, body) of the page at the end of the redirects; a first answer other than `expect`, a server
        error or a failure on the way counts as an error."""
        status, text, location = self._send(path, data, expect)
        for _hop in range(5):
            if status not in (301, 302, 303):
                break
            target = urllib.parse.urlsplit(location)
            status, text, location = self._send(target.path + (f"?{target.query}" if target.query else ""))
        return status, text

    def _send(self, path: str, data: dict | None = None, expect=(200, 301, 302)) -> tuple[int, str, str]:
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.20.0.{self.number + 1}",
            "Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items()),
        }
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}, True)
            headers |= {"Origin": self.origin, "Content-Type": "application/x-www-form-urlencoded"}
        started = time.perf_counter()
        try:
            request = urllib.request.Request(self.base_url + path, body and body.encode(), headers)
            try:
                response = self.opener.open(request, timeout=60)
            except urllib.error.HTTPError as error:
                response = error
            with response:
                status, text = response.status, response.read().decode()
                for header in response.headers.get_all("Set-Cookie") or []:
                    for morsel in SimpleCookie(header).values():
                        self.cookies[morsel.key] = morsel.value
                location = response.headers.get("Location", "")
        except OSError as error:
            self.stats.record(time.perf_counter() - started, f"{path}: {error!r}")
            return 0, "", ""
        kind = "login" if path.endswith("/accounts/login/") and data is not None else "page"
        self.stats.record(time.perf_counter() - started, None if status in expect else f"{path}: HTTP {status}", kind)
        return status, text, location

    def log_in(self):
        self.request("/en/accounts/login/")
        self.request("/en/accounts/login/", {"username": self.email, "password": PASSWORD}, expect=(302,))
        if "sessionid" not in self.cookies:
            self.stats.record(0, f"{self.email} could not log in")

    def take_quiz(self, quiz_path: str):
        _status, page = self.request(quiz_path)
        if start := learner_pages.quiz_start_action(page):
            _status, page = self.request(start, {}, expect=(302,))
        actions = learner_pages.attempt_actions(page)
        if actions is None:
            self.stats.record(0, f"{quiz_path}: no open attempt to answer")
            return
        save, submit = actions
        answers = learner_pages.answers(page)
        self.request(save, answers)  # what the autosave script sends
        self.request(submit, answers, expect=(302,))  # then the attempt's page

    def run(self, deadline: float):
        self.log_in()
        _status, course = self.request(COURSE)
        lessons, quizzes = learner_pages.outline(course)
        assert lessons and quizzes, "the demo course's outline"
        step = 0
        while time.monotonic() < deadline:
            _status, page = self.request(lessons[(self.number + step) % len(lessons)])
            if complete := learner_pages.complete_action(page):
                self.request(complete, {}, expect=(302,))  # then the next lesson
            if step % 4 == 3:
                self.take_quiz(quizzes[(self.number + step) % len(quizzes)])
                self.request("/en/learning/")
            step += 1
            time.sleep(random.uniform(0.2, 1.0))  # reading


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {"login": [], "page": []}
        self.errors: list[str] = []

    def record(self, seconds: float, error: str | None, kind: str = "page"):
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors.append(error)

    def summary(self, kind: str) -> str:
        times = sorted(self.latencies[kind])
        if not times:
            return "none"
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        return f"{len(times)}, median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def test_twenty_learners_for_a_minute_on_gunicorn_and_postgresql(soak_site):
    with served.gunicorn(soak_site, WORKERS) as server:
        warm_up = Stats()
        for _ in range(WORKERS * 2):
            Learner(server.base_url, 0, warm_up).request(COURSE)
        while len(served.worker_pids(server.process.pid)) < WORKERS:
            time.sleep(0.2)
        rss_start = {pid: _rss_mb(pid) for pid in served.worker_pids(server.process.pid)}

        stats = Stats()
        started = time.monotonic()
        learners = [
            threading.Thread(target=Learner(server.base_url, number, stats).run, args=(started + SECONDS,))
            for number in range(LEARNERS)
        ]
        for learner in learners:
            learner.start()
        for learner in learners:
            learner.join()
        elapsed = time.monotonic() - started
        workers = served.worker_pids(server.process.pid)
        rss_end = {pid: _rss_mb(pid) for pid in workers}
    # (served.gunicorn fails the test if a traceback reached gunicorn's log)

    requests = sum(len(times) for times in stats.latencies.values())
    print(
        f"\n[bench] soak ({LEARNERS} learners, {elapsed:.0f} s, gunicorn -w {WORKERS}, PostgreSQL, production "
        f"settings): {requests} requests ({requests / elapsed:.1f}/s) | logins {stats.summary('login')} | "
        f"other requests {stats.summary('page')} | errors: {len(stats.errors)} | worker RSS start "
        f"{statistics.mean(rss_start.values()):.0f} MB, end {statistics.mean(rss_end.values() or [0]):.0f} MB "
        f"(max {max(rss_end.values(), default=0):.0f} MB) | workers replaced: {len(set(workers) - set(rss_start))}"
    )
    assert stats.errors == [], stats.errors[:10]
    assert set(workers) == set(rss_start), "a worker died or was replaced during the soak"
