"""Learning records out (xAPI): each learning event leaves a statement in the outbox, in the event's transaction, and
the outbox reaches a real Ralph LRS (tests/ralph_lrs.py); when the LRS is down, refuses our credentials or refuses a
statement, nothing is lost and the learner's pages do not notice."""

import json
import logging
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from curriculum.models import LessonPage
from lms.progress.models import Enrolment
from lms.progress.services import enrolment_create
from lms.workshops.certification import workshop_certify
from lms.workshops.claims import claim_into_account
from lms.workshops.documents import workshop_quizzes
from lms.workshops.services import attendance_record, participant_add
from lms.xapi.models import LearnerActor, OutboxStatement
from lms.xapi.sending import batch_take, outbox_send
from lms.xapi.tasks import send_learning_records
from tests.helpers import build_course
from tests.quiz_builder import demo_quiz, demo_right_answers, demo_wrong_answers, start, submit
from tests.ralph_lrs import PASSWORD, USERNAME, RalphLRS, ensure_venv
from tests.workshop_scene import add_people, complete, make_workshop

pytestmark = pytest.mark.django_db
ADL = "http://adlnet.gov/expapi/verbs/"
PENDING, SENT, FAILED = OutboxStatement.Status


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """One Ralph server for the run (its environment built once per machine, tests/ralph_lrs.py)."""
    try:
        venv = ensure_venv()
    except RuntimeError as error:
        pytest.skip(f"NO RALPH LRS, the xAPI tests against it did not run: {error}")
    lrs = RalphLRS(venv, tmp_path_factory.mktemp("ralph"))
    lrs.start()
    yield lrs
    lrs.stop()


@pytest.fixture
def lrs(ralph, settings):
    """The site set to send to Ralph (a bare address: the /xAPI/ endpoint under it), running again if a test
    stopped it."""
    if ralph.process is None:
        ralph.start()
    settings.LRS_URL = ralph.url
    settings.LRS_USERNAME, settings.LRS_PASSWORD = USERNAME, PASSWORD
    settings.LRS_TIMEOUT_SECONDS = 5
    return ralph


@pytest.fixture
def short_course(catalogue_en):
    """A course of one lesson: completing the lesson completes the course."""
    return build_course(catalogue_en, slug="xapi-course", modules=1, lessons_per_module=1)


def only_lesson(course) -> LessonPage:
    return LessonPage.objects.descendant_of(course).get()


def enrol_and_finish(client, course):
    """Enrol on the course page and complete its lesson: the learner's two clicks."""
    assert client.post(reverse("progress:enrol", args=[course.translation_key])).status_code == 302
    response = client.post(reverse("progress:complete_lesson", args=[only_lesson(course).translation_key]))
    assert response.status_code == 302
    return response


def outbox(*statuses) -> list[OutboxStatement]:
    rows = OutboxStatement.objects.order_by("pk")
    return list(rows.filter(status__in=statuses) if statuses else rows)


def make_due():
    """The backoff's wait over (the test's clock)."""
    OutboxStatement.objects.filter(status=PENDING).update(next_try_at=timezone.now())


def test_each_learning_event_reaches_ralph_as_an_xapi_statement(lrs, learner, learner_client, short_course):
    enrol_and_finish(learner_client, short_course)
    quiz = demo_quiz("fr")
    submit(learner_client, start(learner_client, quiz, "fr"), demo_wrong_answers(quiz), "fr")
    submit(learner_client, start(learner_client, quiz, "fr"), demo_right_answers(quiz), "fr")
    workshop = make_workshop(language="fr")
    participant = participant_add(workshop=workshop, name="Ana", learner=learner)
    session = workshop.sessions.get(number=2)
    attendance_record(session=session, statuses={participant: "present"}, recorded_by=None)

    rows = outbox()
    assert [row.verb for row in rows] == [
        "registered",  # the short course
        "completed",  # its lesson
        "completed",  # the course
        "registered",  # the five-element course, by starting its quiz
        "failed",
        "passed",
        "attended",
    ]
    assert all(row.status == PENDING for row in rows)
    report = outbox_send()
    assert (report.sent, report.refused, report.postponed) == (len(rows), 0, 0)
    assert {row.status for row in outbox()} == {SENT}

    stored = {statement["id"]: statement for statement in lrs.statements()}
    got = [stored[str(row.statement_id)] for row in rows]
    home = settings.PUBLIC_BASE_URL + "/"
    actor = {"objectType": "Agent", "account": {"homePage": home, "name": str(learner.xapi_actor)}}
    assert [statement["actor"] for statement in got] == [actor] * len(got)
    assert learner.email not in json.dumps(got) and "Ana" not in json.dumps([s["actor"] for s in got])
    assert [statement["verb"]["id"] for statement in got] == [ADL + row.verb for row in rows]
    base = f"{settings.PUBLIC_BASE_URL}/xapi/activities"
    registered, lesson_done, course_done, quiz_registered, failed, passed, attended = got
    assert registered["object"]["id"] == f"{base}/course/{short_course.translation_key}"
    assert registered["object"]["definition"]["name"] == {"en": "Course xapi-course"}
    assert registered["object"]["definition"]["moreInfo"] == short_course.full_url
    lesson = only_lesson(short_course)
    assert lesson_done["object"]["id"] == f"{base}/lesson/{lesson.translation_key}"
    assert lesson_done["result"] == {"completion": True}
    assert lesson_done["context"]["contextActivities"]["parent"][0]["id"] == registered["object"]["id"]
    assert course_done["object"]["id"] == registered["object"]["id"]
    # The quiz in French: named in French, under the same id in every language.
    assert failed["object"]["id"] == passed["object"]["id"] == f"{base}/quiz/{quiz.translation_key}"
    assert passed["object"]["definition"]["name"] == {"fr": quiz.title}
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert passed["context"]["language"] == "fr"
    assert passed["result"] == {
        "score": {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100},
        "success": True,
        "completion": True,
    }
    assert failed["result"]["success"] is False and failed["result"]["score"]["raw"] < 70
    assert quiz_registered["context"]["registration"] == failed["context"]["registration"]
    assert registered["context"]["registration"] != failed["context"]["registration"]  # another course
    assert registered["context"]["platform"] == "Landscape Academy"
    assert attended["object"]["id"] == f"{base}/session/{workshop.code}/2"
    assert attended["object"]["definition"]["name"] == {"fr": "Five elements intensive, séance 2"}
    assert attended["context"]["contextActivities"]["grouping"][0]["id"] == f"{base}/course/{workshop.course_key}"

    # Everything is sent: the next run sends nothing.
    assert outbox_send().sent == 0


def test_while_the_lrs_is_down_nothing_is_lost_and_the_outbox_drains_once_it_is_back(
    lrs, learner_client, short_course, caplog
):
    lrs.stop()
    response = enrol_and_finish(learner_client, short_course)
    assert learner_client.get(response["Location"]).status_code == 200  # the learner's page does not notice
    recorded = outbox()
    assert len(recorded) == 3 and Enrolment.objects.get(course_key=short_course.translation_key).completed_at

    with caplog.at_level(logging.WARNING, logger="lms.xapi.sending"):
        report = outbox_send()
    assert report.postponed == 3 and report.sent == 0
    assert "Learning records wait for the LRS: the LRS could not be reached" in caplog.text
    for row in outbox():
        assert row.status == PENDING and row.attempts == 1 and row.next_try_at > timezone.now()
        assert "could not be reached" in row.last_error
    make_due()
    with pytest.raises(CommandError, match="3 learning records wait for the LRS"):
        call_command("send_learning_records")  # as cron runs it: the reason in its mail

    lrs.start()
    assert outbox_send().sent == 0  # not before its next try
    make_due()
    assert outbox_send().sent == 3
    assert [(row.status, row.attempts, row.last_error) for row in outbox()] == [(SENT, 3, "")] * 3

    # The LRS stored them but its answer was lost: sent again, they are stored once (their ids).
    OutboxStatement.objects.update(status=PENDING, next_try_at=timezone.now())
    assert outbox_send().sent == 3
    ids = Counter(statement["id"] for statement in lrs.statements())
    assert [ids[str(row.statement_id)] for row in recorded] == [1, 1, 1]


def test_wrong_credentials_keep_the_records_and_say_so_in_the_log_and_the_admin(
    lrs, settings, learner, short_course, client, admin_user, caplog
):
    settings.LRS_PASSWORD = "not-the-password"  # noqa: S105
    enrolment_create(learner=learner, course=short_course)
    with caplog.at_level(logging.WARNING, logger="lms.xapi.sending"):
        report = outbox_send()
    assert report.postponed == 1
    (logged,) = caplog.records
    assert logged.levelno == logging.ERROR and "the LRS refused the credentials (LRS_USERNAME" in logged.getMessage()
    (row,) = outbox()
    assert row.status == PENDING and "the LRS refused the credentials" in row.last_error and "401" in row.last_error

    client.force_login(admin_user)
    page = client.get(reverse("xapi_outbox")).content.decode()
    assert f"Statements are sent to {lrs.url}/xAPI/statements." in page
    assert '<th scope="row">Waiting to be sent</th><td>1</td>' in page
    assert "the LRS refused the credentials" in page

    settings.LRS_PASSWORD = PASSWORD  # corrected: the outbox drains
    make_due()
    assert outbox_send().sent == 1


def test_a_statement_the_lrs_refuses_is_marked_failed_alone_and_not_sent_again(
    lrs, learner, short_course, demo_course, client, admin_user
):
    enrolment_create(learner=learner, course=short_course)
    enrolment_create(learner=learner, course=demo_course)
    bad, good = outbox()
    del bad.statement["verb"]  # every statement has one
    bad.save()
    report = outbox_send()
    assert (report.sent, report.refused, report.postponed) == (1, 1, 0)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (
        good.status == SENT
        and bad.status == FAILED
        and bad.last_error.startswith("422 ")
        and "Field required" in bad.last_error
    )
    assert outbox_send().sent == 0  # not tried again

    client.force_login(admin_user)
    page = client.get(reverse("xapi_outbox")).content.decode()
    assert '<th scope="row">Refused by the LRS</th><td>1</td>' in page
    assert str(bad.statement_id) in page


def test_without_an_lrs_nothing_is_recorded(settings, learner_client, short_course):
    settings.LRS_URL = ""
    enrol_and_finish(learner_client, short_course)
    assert not OutboxStatement.objects.exists() and not LearnerActor.objects.exists()
    call_command("send_learning_records")  # says so, and fails nothing


def test_the_learners_page_only_queues_one_send_and_the_send_waits_for_an_lrs_that_is_down(
    settings, learner_client, short_course, django_capture_on_commit_callbacks
):
    settings.LRS_URL = "http://127.0.0.1:9/xAPI/"  # nothing listens there
    queue = DBTaskResult.objects.filter(task_path=send_learning_records.module_path, status=TaskResultStatus.READY)
    with django_capture_on_commit_callbacks(execute=True):
        enrol_and_finish(learner_client, short_course)
    assert len(outbox(PENDING)) == 3
    assert queue.count() == 1  # one send for the three statements of the click that completed the course

    queue.get().claim("test-worker")  # as db_worker takes it, then runs it
    result = send_learning_records.call()
    assert result["postponed"] == 3 and "could not be reached" in result["error"]
    # The next send is queued for the next try.
    assert queue.filter(run_after__gt=timezone.now()).count() == 1


def test_a_sender_never_takes_statements_another_sender_holds(settings, learner, short_course):
    settings.LRS_URL = "http://127.0.0.1:9/xAPI/"
    enrolment_create(learner=learner, course=short_course)
    now = timezone.now()
    assert len(batch_take(now, 10)) == 1
    assert batch_take(now, 10) == []  # leased to the first sender
    assert outbox_send().postponed == 0


def test_a_workshop_tells_of_paper_results_and_of_the_course_its_certificates_complete(settings):
    settings.LRS_URL = "http://127.0.0.1:9/xAPI/"
    workshop = make_workshop()
    (participant,) = add_people(workshop, names=["Wanjiru"])
    complete(participant)  # paper results for every quiz (and attendance written directly, which tells nothing)
    quizzes = workshop_quizzes(workshop)
    assert [row.verb for row in outbox()] == ["registered"] + ["passed"] * len(quizzes)
    workshop_certify(workshop=workshop)
    workshop_certify(workshop=workshop)  # again: nothing more
    course_done = outbox()[-1]
    assert course_done.verb == "completed" and len(outbox()) == 2 + len(quizzes)
    assert course_done.statement["object"]["id"].endswith(f"/course/{workshop.course_key}")
    assert course_done.learner == participant.learner


def test_only_site_administrators_see_the_outbox(client, institute_member, admin_user):
    response = client.get(reverse("xapi_outbox"))
    assert response.status_code == 302 and "login" in response["Location"]
    for role in ("editors", "moderators"):
        client.force_login(institute_member(role, "landscape-learning-institute"))
        refused = client.get(reverse("xapi_outbox"))  # Wagtail's answer: back to the dashboard, with a message
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
        assert reverse("xapi_outbox") not in client.get("/admin/").content.decode()
    client.force_login(admin_user)
    page = client.get(reverse("xapi_outbox")).content.decode()
    assert "LRS_URL is not set: no learning records are recorded or sent." in page
    assert reverse("xapi_outbox") in client.get("/admin/").content.decode()


def test_a_claim_into_an_account_keeps_the_held_accounts_records_waiting(settings, learner):
    settings.LRS_URL = "http://127.0.0.1:9/xAPI/"
    workshop = make_workshop()
    (held,) = add_people(workshop, names=["Wanjiru"])
    attendance_record(session=workshop.sessions.get(number=1), statuses={held: "present"}, recorded_by=None)
    waiting = outbox()
    assert [row.verb for row in waiting] == ["attended"] and waiting[0].learner == held.learner
    claim_into_account(participant_pk=held.pk, code=held.claim_code, learner=learner)  # the held account goes
    assert [(row.statement_id, row.learner) for row in outbox()] == [(waiting[0].statement_id, learner)]
