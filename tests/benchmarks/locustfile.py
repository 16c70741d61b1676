"""Learners for locust (tests/benchmarks/test_bench_capacity.py starts it): each has a logged-in session
(tests.benchmarks.capacity_scene), opens the demo course, then, with a pause to read between steps, marks the lesson
it is on complete (and lands on the next one), and every fourth step takes a quiz (opens it, starts an attempt, its
answers saved as the autosave script sends them, submitted, the result page) and looks at "My learning".

Over plain HTTP to gunicorn, as the TLS proxy would speak to it: the production cookies are Secure, so they are
sent by hand (the session's, and a CSRF secret of the learner's own, sent back in each form as a browser does).

Settings from the environment: CAPACITY_SESSIONS (the JSON file of sessions), CAPACITY_THINK ("20-60": seconds of
reading between steps, uniform), CAPACITY_WARM_UP (seconds from the start of the run before requests are counted:
the learners' arrival), CAPACITY_RESULT (where the figures are written when locust stops, as JSON).
"""

import itertools
import json
import os
import random
import secrets
import string
import time
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, events, task

from tests.benchmarks import learner_pages

THINK_MIN, THINK_MAX = (float(part) for part in os.environ.get("CAPACITY_THINK", "20-60").split("-"))
WARM_UP = float(os.environ.get("CAPACITY_WARM_UP", "0"))
MEASURE_FROM = float("inf")  # set when the run starts
with open(os.environ["CAPACITY_SESSIONS"]) as listed:
    SESSIONS = itertools.cycle(json.load(listed))
ADDRESSES = itertools.count(1)

measured: list[float] = []  # response times in ms, of requests after MEASURE_FROM
by_name: dict[str, list[float]] = {}
errors: list[str] = []


@events.test_start.add_listener
def _start_counting_later(environment, **kwargs):
    global MEASURE_FROM
    MEASURE_FROM = time.time() + WARM_UP


all_requests = 0  # counted or not: what the server's CPU time is divided by


@events.request.add_listener
def _count(request_type, name, response_time, exception, **kwargs):
    global all_requests
    all_requests += 1
    if time.time() < MEASURE_FROM:
        return
    measured.append(response_time)
    by_name.setdefault(name, []).append(response_time)
    if exception:
        errors.append(f"{request_type} {name}: {exception}"[:300])


@events.quitting.add_listener
def _write(environment, **kwargs):
    def percentile(share: float, times: list[float] | None = None) -> float:
        times = sorted(measured if times is None else times)
        return times[min(len(times) - 1, int(len(times) * share))] if times else 0.0

    seconds = max(1e-9, time.time() - MEASURE_FROM)
    with open(os.environ["CAPACITY_RESULT"], "w") as out:
        json.dump(
            {
                "requests": len(measured),
                "all_requests": all_requests,
                "per_second": len(measured) / seconds,
                "p50_ms": percentile(0.5),
                "p95_ms": percentile(0.95),
                "p99_ms": percentile(0.99),
                "errors": len(errors),
                "first_errors": errors[:5],
                "p95_by_request": {name: round(percentile(0.95, times)) for name, times in sorted(by_name.items())},
            },
            out,
        )


class Learner(FastHttpUser):
    wait_time = staticmethod(lambda: random.uniform(THINK_MIN, THINK_MAX))

    def on_start(self):
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        number = next(ADDRESSES)
        self.csrf = csrf
        self.headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.{number // 250}.{number % 250}.1",
            "Cookie": f"sessionid={next(SESSIONS)}; csrftoken={csrf}",
            "Origin": "https://" + self.host.split("://", 1)[1],
        }
        gevent.sleep(random.uniform(0, THINK_MAX))  # learners arrive at their own moments, not all at once
        course = self.page(learner_pages.COURSE, "course")
        self.lessons, self.quizzes = learner_pages.outline(course)
        self.step = random.randrange(len(self.lessons))
        self.lesson = self.page(self.lessons[self.step], "lesson")

    def page(self, path: str, name: str) -> str:
        """GET, as a page a learner opens (200 expected)."""
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response.text or ""

    def send(self, path: str, data: dict, name: str) -> str:
        """POST a form; a redirect (anywhere but the login page) is followed like a browser does."""
        with self.client.post(
            path,
            data=urlencode({**data, "csrfmiddlewaretoken": self.csrf}, doseq=True),
            headers={**self.headers, "Content-Type": "application/x-www-form-urlencoded"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code not in (200, 302) or "/accounts/login/" in location:
                response.failure(f"HTTP {response.status_code} {location}")
                return ""
        return self.page(location, f"{name}, then") if response.status_code == 302 else (response.text or "")

    @task
    def read_then_go_on(self):
        self.step += 1
        if action := learner_pages.complete_action(self.lesson):
            self.lesson = self.send(action, {}, "complete")  # the next lesson
        else:
            self.lesson = self.page(self.lessons[self.step % len(self.lessons)], "lesson")
        if self.step % 4 == 0:
            self.take_quiz(self.quizzes[self.step % len(self.quizzes)])

    def take_quiz(self, path: str):
        page = self.page(path, "quiz")
        if start := learner_pages.quiz_start_action(page):
            page = self.send(start, {}, "start quiz")
        actions = learner_pages.attempt_actions(page)
        if actions is None:
            return  # a passed quiz offers no new attempt straight away: a learner moves on
        save, submit = actions
        answers = learner_pages.answers(page)
        self.send(save, answers, "save answers")
        self.send(submit, answers, "submit quiz")
        self.page("/en/learning/", "my learning")
