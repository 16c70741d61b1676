"""Keeping a course on a phone: the service worker, a course's manifest, what the phone stores (never an answer), and
the actions sent later (each counted once, conflicts answered without losing the answers)."""

import json
import re
import uuid

import pytest
from django.test import Client

from curriculum.models import CoursePage, QuizPage
from lms.offline.manifest import OFFLINE_COPY_PARAMETER
from lms.progress.models import LessonProgress, OfflineAction
from lms.quizzes.models import QuizAttempt
from tests.helpers import lesson_in
from tests.quiz_builder import demo_quiz, demo_right_answers, demo_wrong_answers


@pytest.fixture
def french_course(demo_course):
    return CoursePage.objects.get(translation_key=demo_course.translation_key, locale__language_code="fr")


def manifest_of(client, course, language="fr"):
    response = client.get(f"/{language}/offline/courses/{course.translation_key}/manifest.json")
    assert response.status_code == 200
    return response.json()


def version_of(client, course, language="fr") -> str:
    response = client.get(f"/{language}/offline/courses/{course.translation_key}/version.json")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert len(response.content) < 100  # asked on every page a learner with a kept copy opens online
    return response.json()["version"]


def send(client, action: dict, language="fr"):
    response = client.post(f"/{language}/offline/sync/", json.dumps(action), content_type="application/json")
    return response.status_code, response.json()


def test_the_service_worker_is_served_from_the_root_and_checked_for_updates(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in response.content


def test_pages_carry_the_offline_script_and_the_course_page_its_hidden_button(client, french_course):
    page = client.get(french_course.url).content.decode()
    assert re.search(r'<script src="/static/js/offline\.js" defer data-sync-url="/fr/offline/sync/"', page)
    strings = json.loads(
        re.search(r'data-strings="([^"]*)"', page).group(1).replace("&quot;", '"').replace("&amp;", "&")
    )
    assert strings["keep"] == "Garder cette formation sur mon téléphone"
    assert strings["waiting-lessons"]["one"] != strings["waiting-lessons"]["other"]
    keep = re.search(r"<section[^>]*data-offline-keep[^>]*>", page).group(0)
    assert " hidden" in keep, "without JavaScript the button never shows"


def test_the_manifest_holds_every_page_its_files_and_the_offline_page(learner_client, french_course):
    manifest = manifest_of(learner_client, french_course)
    urls = {entry["url"]: entry for entry in manifest["entries"]}
    assert manifest["url"] == french_course.url and manifest["language"] == "fr"
    lesson = lesson_in("fr", 2, 3)
    assert lesson.url in urls and urls[lesson.url]["title"] == lesson.title
    quiz = demo_quiz("fr")
    assert urls[quiz.url]["source"] == f"{quiz.url}?{OFFLINE_COPY_PARAMETER}=1"
    assert {"/fr/offline/", "/static/css/site.css", "/static/js/offline.js"} <= set(urls)
    assert manifest["bytes"] == sum(entry["bytes"] for entry in manifest["entries"])
    assert 50_000 < manifest["bytes"] < 2_000_000
    images = [entry for entry in manifest["entries"] if entry["url"].startswith("/media/")]
    assert images and all(".width-360." in entry["url"] for entry in images), "images at a phone's size only"
    for entry in manifest["entries"]:  # what the phone downloads is there (the test server serves no media)
        if not entry["url"].startswith("/media/"):
            assert learner_client.get(entry["source"] or entry["url"]).status_code == 200, entry["url"]


def test_a_republished_lesson_changes_its_rev_and_the_version_only(learner_client, french_course):
    before = manifest_of(learner_client, french_course)
    assert version_of(learner_client, french_course) == before["version"]
    lesson = lesson_in("fr", 3, 2)
    lesson.save_revision().publish()
    after = manifest_of(learner_client, french_course)
    assert after["version"] != before["version"]
    assert version_of(learner_client, french_course) == after["version"]
    changed = {
        entry["url"]
        for entry, old in zip(after["entries"], before["entries"], strict=True)
        if entry["rev"] != old["rev"]
    }
    assert lesson.url in changed
    assert lesson_in("fr", 3, 1).url not in changed and demo_quiz("fr").url not in changed
    assert "/static/css/site.css" not in changed


@pytest.mark.parametrize("who", ["learner", "visitor"])
def test_the_kept_quiz_holds_its_questions_and_no_answer(who, client, learner, french_course):
    """What a phone stores of a quiz, for a learner (the offline copy) and for a visitor (the page they see): prompts
    and choices, and no right answer, accepted answer, feedback or explanation."""
    if who == "learner":
        client.force_login(learner)
    quiz = demo_quiz("fr")
    kept = client.get(f"{quiz.url}?{OFFLINE_COPY_PARAMETER}=1").content.decode()
    assert kept.count('class="question') >= len(quiz.questions)
    assert f'data-offline-action="quiz" data-offline-key="{quiz.translation_key}"' in kept
    assert f'data-offline-revision="{quiz.live_revision_id}"' in kept
    secrets = []
    for question in quiz.questions:
        value = question.value
        secrets += [str(value.get(name) or "") for name in ("explanation", "feedback_true", "feedback_false")]
        secrets += [str(choice.get("feedback") or "") for choice in value.get("choices") or []]
        secrets += [str(answer) for answer in value.get("accepted_answers") or []]
    secrets = [text for text in (re.sub(r"<[^>]+>", "", secret).strip() for secret in secrets) if text]
    assert len(secrets) > 20  # the demo quiz has them all: the check below checks something
    for secret in secrets:
        assert secret[:40] not in kept, secret
    assert not re.search(r"""correct["'=:]|is_correct|data-answer""", kept)


def test_a_lesson_marked_offline_counts_once_however_often_it_is_sent(learner_client, learner):
    lesson = lesson_in("fr", 1, 2)
    action = {"id": str(uuid.uuid4()), "kind": "lesson", "key": str(lesson.translation_key)}
    first = send(learner_client, action)
    again = send(learner_client, action)
    assert first == again and first[0] == 200 and first[1]["status"] == "done"
    assert LessonProgress.objects.get(learner=learner, lesson_key=lesson.translation_key).completed_at
    assert OfflineAction.objects.filter(learner=learner).count() == 1


def test_quiz_answers_sent_later_are_graded_once(learner_client, learner):
    quiz = demo_quiz("fr")
    action = {
        "id": str(uuid.uuid4()),
        "kind": "quiz",
        "key": str(quiz.translation_key),
        "revision": quiz.live_revision_id,
        "answers": demo_right_answers(quiz),
    }
    status, result = send(learner_client, action)
    assert status == 200 and result["status"] == "done", result
    assert "100" in result["message"]
    attempt = QuizAttempt.objects.get(learner=learner, quiz_key=quiz.translation_key)
    assert attempt.passed and result["url"] == f"/fr/learning/quizzes/attempts/{attempt.pk}/"
    assert send(learner_client, action) == (status, result)
    assert QuizAttempt.objects.filter(learner=learner, quiz_key=quiz.translation_key).count() == 1


def test_a_quiz_changed_meanwhile_keeps_the_answers_for_the_learner_to_check(learner_client, learner):
    quiz = demo_quiz("fr")
    old_revision = quiz.live_revision_id
    quiz.save_revision().publish()
    answers = demo_wrong_answers(quiz)
    status, result = send(
        learner_client,
        {
            "id": str(uuid.uuid4()),
            "kind": "quiz",
            "key": str(quiz.translation_key),
            "revision": old_revision,
            "answers": answers,
        },
    )
    assert status == 409 and result["reason"] == "quiz-changed"
    assert "modifié" in result["message"]
    attempt = QuizAttempt.objects.get(learner=learner, quiz_key=quiz.translation_key)
    assert attempt.is_open and attempt.draft == answers


def test_no_attempt_left_is_a_conflict_that_counts_nothing(learner_client, learner):
    quiz = demo_quiz("fr")
    QuizPage.objects.filter(translation_key=quiz.translation_key).update(attempts_allowed=1)
    quiz.refresh_from_db()
    first = {"kind": "quiz", "key": str(quiz.translation_key), "revision": quiz.live_revision_id}
    send(learner_client, {**first, "id": str(uuid.uuid4()), "answers": demo_wrong_answers(quiz)})
    status, result = send(learner_client, {**first, "id": str(uuid.uuid4()), "answers": demo_right_answers(quiz)})
    assert status == 409 and result["reason"] == "attempts-used"
    assert QuizAttempt.objects.filter(learner=learner, quiz_key=quiz.translation_key).count() == 1


def test_an_expired_session_is_told_to_log_in_and_nothing_is_done(db):
    lesson = lesson_in("fr", 1, 2)
    client = Client()
    assert client.get("/fr/offline/sync/").status_code == 401
    status, result = send(client, {"id": str(uuid.uuid4()), "kind": "lesson", "key": str(lesson.translation_key)})
    assert status == 401 and result["status"] == "login" and "connecté" in result["message"]
    assert not LessonProgress.objects.exists()


def test_a_garbled_action_is_refused_and_changes_nothing(learner_client):
    status, result = send(learner_client, {"id": "not-a-key", "kind": "lesson", "key": "x"})
    assert status == 400 and result["status"] == "invalid"
    assert not OfflineAction.objects.exists()


def test_the_offline_page_is_translated(client, db):
    page = client.get("/es/offline/").content.decode()
    assert "Sin conexión" in page
