"""Parallel requests against the real server never create duplicate learning records."""

import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


def _session(site_url):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    return opener, jar


def _post(opener, jar, url, data):
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    with opener.open(request, timeout=30) as response:
        return response.status


def test_ten_simultaneous_completions_make_one_record(site_url, site_env):
    opener, jar = _session(site_url)
    email = f"race-{uuid.uuid4().hex[:8]}@example.org"
    opener.open(f"{site_url}/en/accounts/signup/").read()
    _post(
        opener,
        jar,
        f"{site_url}/en/accounts/signup/",
        {
            "email": email,
            "display_name": "Race",
            "preferred_language": "en",
            "password1": "pw-race-2045x",
            "password2": "pw-race-2045x",
        },
    )
    lesson_page = (
        opener.open(
            f"{site_url}/en/courses/landscape-learning-institute/ilm-five-elements/landscape-partnership/what-is-a-landscape-partnership/"
        )
        .read()
        .decode()
    )
    action = re.search(r'action="(/en/learning/lessons/[^"]+/complete/)"', lesson_page).group(1)
    course_page = opener.open(f"{site_url}/en/courses/landscape-learning-institute/ilm-five-elements/").read().decode()
    enrol = re.search(r'action="(/en/learning/courses/[^"]+/enrol/)"', course_page).group(1)

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _n: _post(opener, jar, site_url + action, {}), range(10)))
        statuses += list(pool.map(lambda _n: _post(opener, jar, site_url + enrol, {}), range(10)))
    assert set(statuses) == {200}, statuses  # each redirect was followed to a page that rendered

    counts = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from lms.progress.models import Enrolment, LessonProgress as P;"
            f"records = P.objects.filter(learner__email='{email}');"
            f"print(Enrolment.objects.filter(learner__email='{email}').count(),"
            " records.count(), records.values('lesson_key').distinct().count(),"
            " records.filter(completed_at__isnull=False).count())",
        ],
        cwd=ROOT,
        env=site_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    enrolments, records, lessons, completed = counts[-4:]
    # One enrolment, one completed lesson, and never two records for one lesson (the redirect to the next lesson
    # opens it, which rightly records it as started).
    assert (enrolments, completed) == ("1", "1")
    assert records == lessons


def test_simultaneous_completions_of_the_last_lesson_issue_one_certificate(site_url, site_env):
    email = f"cert-race-{uuid.uuid4().hex[:8]}@example.org"
    setup = (
        "from django.contrib.auth import get_user_model;"
        "from curriculum.models import CoursePage, LessonPage, QuizPage;"
        "from lms.progress import services;"
        f"user = get_user_model().objects.create_user('{email}', '{email}', 'pw-race-2045x', display_name='Race');"
        "course = CoursePage.objects.get(locale__language_code='en', slug='ilm-five-elements');"
        "items = [*LessonPage.objects.descendant_of(course), *QuizPage.objects.descendant_of(course)];"
        "items.sort(key=lambda page: page.path);"
        "last = [item for item in items if isinstance(item, LessonPage)][-1];"
        "[services.item_complete(learner=user, item=item) for item in items if item.pk != last.pk];"
        "print(last.translation_key)"
    )
    last_key = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", setup],
        cwd=ROOT,
        env=site_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    opener, jar = _session(site_url)
    opener.open(f"{site_url}/en/accounts/login/").read()
    _post(opener, jar, f"{site_url}/en/accounts/login/", {"username": email, "password": "pw-race-2045x"})
    action = f"{site_url}/en/learning/lessons/{last_key}/complete/"
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _n: _post(opener, jar, action, {}), range(10)))
    assert set(statuses) == {200}, statuses
    count = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from lms.certificates.models import Certificate as C;"
            f"print(C.objects.filter(learner__email='{email}').count())",
        ],
        cwd=ROOT,
        env=site_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    assert count == "1"
