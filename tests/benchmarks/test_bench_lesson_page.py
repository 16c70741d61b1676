"""`make bench`: a demo lesson page against a bare Wagtail page holding the same body, measured side by side.

Absolute times on a shared machine are noise; the ratio of the two, measured interleaved in one run, and the SQL
query counts are what to read.
"""

import statistics
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, reset_queries
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.views import serve

from tests.benchmarks.bare import bare_page_response
from tests.helpers import lesson_in

ROUNDS = 30


def _request(path: str, language: str, user=None):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.LANGUAGE_CODE = language
    return request


def render_lesson_page(path: str, language: str, user=None) -> bytes:
    """What a visitor gets: Wagtail routing, our page context, selectors and templates."""
    with translation.override(language):
        return serve(_request(path, language, user), path).render().content


def render_bare_page(path: str, language: str) -> bytes:
    """The baseline (tests.benchmarks.bare): Wagtail routing, its view-restriction check, the same body alone."""
    with translation.override(language):
        return bare_page_response(_request(path, language), path).render().content


def compare(ours, bare, path: str, language: str, label: str) -> None:
    """Time both renders interleaved (so load on the machine hits both alike), count their queries, print the ratio."""
    for render in (ours, bare):  # warm caches and template loading
        render(path, language)
    timings = {ours: [], bare: []}
    for _round in range(ROUNDS):
        for render in timings:
            started = time.perf_counter()
            render(path, language)
            timings[render].append(time.perf_counter() - started)
    queries = {}
    for render in timings:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            render(path, language)
        queries[render] = len(captured.captured_queries)
    our_time, bare_time = statistics.median(timings[ours]), statistics.median(timings[bare])
    print(
        f"\n[bench] {label} ({connection.vendor}, {ROUNDS} interleaved rounds, medians): "
        f"{our_time * 1000:.1f} ms, {queries[ours]} queries | bare Wagtail page {bare_time * 1000:.1f} ms, "
        f"{queries[bare]} queries | bare/ours throughput ratio {bare_time / our_time:.2f}x"
    )


@pytest.mark.django_db
def test_lesson_page_against_bare_wagtail_page():
    lesson = lesson_in("fr", 2, 1)
    compare(render_lesson_page, render_bare_page, lesson.url.removeprefix("/fr"), "fr", "lesson page")


@pytest.mark.django_db
def test_logged_in_lesson_page_against_bare_wagtail_page(django_user_model):
    """The DESIGN budget: a learner's lesson page (enrolled, with progress) at >= 0.7x a bare page's throughput."""
    from lms.progress import services

    learner = django_user_model.objects.create_user("bench@example.org", "bench@example.org", "pw-bench-2045")
    for earlier in (lesson_in("fr", 1, 1), lesson_in("fr", 1, 2)):
        services.item_complete(learner=learner, item=earlier)

    def logged_in(path, language):
        return render_lesson_page(path, language, learner)

    lesson = lesson_in("fr", 2, 1)
    compare(logged_in, render_bare_page, lesson.url.removeprefix("/fr"), "fr", "logged-in lesson page")
