"""Claiming a workshop record: a new account from the held one, or its records moved into the account the
participant has; a code works once, is rate-limited, and stops working when the facilitator resets it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from curriculum.i18n import shipped_language_codes
from lms.accounts.models import AttemptCounter
from lms.certificates.models import Certificate
from lms.progress.models import Enrolment, LessonProgress
from lms.quizzes.models import QuizAttempt
from lms.workshops import certification, claims
from lms.workshops.claim_views import CLAIM_LOOKUPS
from lms.workshops.demo import right_answers
from lms.workshops.documents import workshop_quizzes
from lms.workshops.models import Attendance, Participant
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE, lesson_in, make_institute_member
from tests.workshop_scene import add_people, complete, learner_account, make_workshop, paper_result

pytestmark = pytest.mark.django_db
User = get_user_model()
CLAIM = "/en/workshops/claim/"


@pytest.fixture
def workshop(db):
    return make_workshop()


@pytest.fixture
def hoa(workshop):
    """A participant without an account, who met the rule and has her certificate."""
    (participant,) = add_people(workshop, ["Nguyễn Thị Hoa"])
    complete(participant)
    certification.workshop_certify(workshop=workshop)
    participant.refresh_from_db()
    return participant


def enter_code(client, code):
    return client.post(CLAIM, {"action": "code", "code": code})


def sign_up(client, email="hoa@example.org", password="a-long-pass-phrase-2045", **extra):
    data = {
        "action": "create",
        "email": email,
        "display_name": "Hoa Nguyen",
        "preferred_language": "fr",
        "password1": password,
        "password2": password,
        **extra,
    }
    return client.post(CLAIM, data)


def test_a_participant_claims_with_a_new_account_and_finds_everything_in_my_learning(hoa):
    held = hoa.learner
    client = Client()
    code = f"{hoa.claim_code[:5].lower()}-{hoa.claim_code[5:]}"  # typed as people type it
    response = enter_code(client, code)
    assert response.status_code == 302
    page = client.get(CLAIM).content.decode()
    assert "Nguyễn Thị Hoa" in page and "Five elements intensive" in page
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"].endswith("/learning/")
    account = User.objects.get(email="hoa@example.org")
    assert account.pk == held.pk  # the held account became hers
    assert account.is_active and account.check_password("a-long-pass-phrase-2045")
    assert account.username == "hoa@example.org" and account.preferred_language == "fr"
    hoa.refresh_from_db()
    assert hoa.has_own_account and hoa.claim_code is None and hoa.claimed_at is not None
    dashboard = client.get("/en/learning/").content.decode()
    certificate = Certificate.objects.get(learner=account)
    assert certificate.code in dashboard or f"/learning/certificates/{certificate.token}/pdf/" in dashboard
    assert "Integrated landscape management" in dashboard
    # She logs in with it later like anyone.
    assert Client().login(username="hoa@example.org", password="a-long-pass-phrase-2045")


def test_a_course_the_workshop_completed_reads_complete_in_my_learning_and_on_its_page(hoa, workshop):
    """Her certificate beside "28 % complete" would say two things: the workshop's rule completed the course, so
    My learning lists it as complete (her element chart still counts the lessons she read), and so does its page."""
    client = Client()
    enter_code(client, hoa.claim_code)
    sign_up(client)
    account = User.objects.get(email="hoa@example.org")
    lessons_read = LessonProgress.objects.filter(learner=account, completed_at__isnull=False).count()
    course = lesson_in("en", 1, 1).get_parent().get_parent()
    assert course.translation_key == workshop.course_key
    assert 0 < lessons_read < len(course.get_descendants().live()), "the sessions covered some lessons only"
    dashboard = client.get("/en/learning/").content.decode()
    assert 'id="completed-heading"' in dashboard and 'id="current-heading"' not in dashboard
    completed = dashboard.split('id="completed-heading"')[1].split("</section>")[0]
    assert "Integrated landscape management" in completed and "✓</span> Complete" in completed
    assert "% complete" not in dashboard.split('id="elements-heading"')[0], "no progress bar beside the certificate"
    page = client.get(course.url).content.decode()
    assert "You have completed this course." in page and "100% complete" in page


def test_a_logged_in_learner_attaches_the_record_to_the_account_they_have(hoa, workshop):
    held = hoa.learner
    me = learner_account()
    # Her own history, which clashes with the held account's: attempt 1 of the first quiz, progress on a lesson.
    quiz = workshop_quizzes(workshop)[0]
    from lms.quizzes import services as quizzes

    mine = quizzes.attempt_start(learner=me, quiz=quiz)
    quizzes.attempt_submit(attempt=mine, submitted=right_answers(quiz), quiz=quiz)
    lesson = lesson_in("en", 1, 1)
    from lms.progress import services as progress

    progress.lesson_start(learner=me, lesson=lesson)
    progress.lesson_start(learner=held, lesson=lesson)
    progress.item_complete(learner=held, item=lesson)
    held_attempts = QuizAttempt.objects.filter(learner=held).count()
    held_certificate = Certificate.objects.get(learner=held)

    client = Client()
    client.force_login(me)
    enter_code(client, hoa.claim_code)
    page = client.get(CLAIM).content.decode()
    assert "Add it to my account" in page
    response = client.post(CLAIM, {"action": "attach"})
    assert response.status_code == 302

    assert not User.objects.filter(pk=held.pk).exists()
    hoa.refresh_from_db()
    assert hoa.learner == me and hoa.has_own_account and hoa.claim_code is None
    assert Attendance.objects.filter(participant=hoa).count() == 2
    attempts = QuizAttempt.objects.filter(learner=me, quiz_key=quiz.translation_key).order_by("number")
    assert [attempt.number for attempt in attempts] == [1, 2]  # the paper one renumbered after hers
    assert QuizAttempt.objects.filter(learner=me).count() == held_attempts + 1
    assert attempts[1].paper_result.participant == hoa
    progress_row = LessonProgress.objects.get(learner=me, lesson_key=lesson.translation_key)
    assert progress_row.completed_at is not None  # merged: completed on the held account
    assert Enrolment.objects.filter(learner=me, course_key=workshop.course_key).count() == 1
    held_certificate.refresh_from_db()
    assert held_certificate.learner == me and not held_certificate.is_revoked
    assert "Integrated landscape management" in client.get("/en/learning/").content.decode()


def test_a_certificate_they_already_have_for_the_course_stays_theirs(hoa, workshop):
    me = learner_account()
    course = workshop_quizzes(workshop)[0]  # any page of the course will do for the snapshot's course
    from curriculum.selectors.tree import course_of
    from lms.certificates.services import certificate_issue

    mine = certificate_issue(learner=me, course=course_of(course))
    held_certificate = Certificate.objects.get(learner=hoa.learner)
    claims.claim_into_account(participant_pk=hoa.pk, code=hoa.claim_code, learner=me)
    assert Certificate.objects.get(learner=me) == mine
    held_certificate.refresh_from_db()
    assert held_certificate.learner is None and held_certificate.is_revoked
    assert mine.code in held_certificate.revocation_reason  # the paper one points at the valid one


def test_a_learner_already_in_the_workshop_keeps_one_participation(workshop, hoa):
    me = learner_account()
    from lms.workshops.services import participant_add

    mine = participant_add(workshop=workshop, name="Hoa Nguyen", learner=me)
    claims.claim_into_account(participant_pk=hoa.pk, code=hoa.claim_code, learner=me)
    assert list(workshop.participants.filter(learner=me)) == [mine]
    assert not Participant.objects.filter(pk=hoa.pk).exists()
    assert Attendance.objects.filter(participant=mine).count() == 2
    assert mine.paper_results.count() == len(workshop_quizzes(workshop))


def test_a_code_works_once_and_a_double_submit_changes_nothing(hoa):
    code = hoa.claim_code
    client = Client()
    enter_code(client, code)
    assert sign_up(client).status_code == 302
    again = sign_up(client)  # the same form sent twice
    assert again.status_code == 302 and again["Location"].endswith("/learning/")
    assert User.objects.filter(email="hoa@example.org").count() == 1
    assert Certificate.objects.filter(learner__email="hoa@example.org").count() == 1
    # Anyone trying the same code later is told it does not work.
    assert enter_code(Client(), code).status_code == 404


def test_a_used_code_is_refused_with_a_clear_message(hoa):
    code = hoa.claim_code
    claims.claim_into_account(participant_pk=hoa.pk, code=code, learner=learner_account())
    response = enter_code(Client(), code)
    assert response.status_code == 404
    assert "has been used" in response.content.decode()


@pytest.mark.parametrize("typed", ["K7M2", "0000000000", "hello world!", "K7M2QXR4TA"])
def test_a_wrong_code_is_refused_and_nothing_changes(hoa, typed):
    response = enter_code(Client(), typed)
    assert response.status_code == 404
    assert "No record has the claim code" in response.content.decode()
    hoa.refresh_from_db()
    assert hoa.claim_code and hoa.claimed_at is None


def test_an_empty_code_asks_for_it(db):
    response = enter_code(Client(), "  ")
    assert response.status_code == 400 and "Type the claim code" in response.content.decode()


def test_a_reset_code_stops_working_even_mid_claim(hoa, workshop):
    old = hoa.claim_code
    client = Client()
    enter_code(client, old)  # step one passed with the old code
    facilitator = Client()
    facilitator.force_login(make_institute_member("facilitators", FIRST_INSTITUTE))
    response = facilitator.post(f"/en/workshops/{workshop.pk}/participants/{hoa.pk}/claim-code/")
    assert response.status_code == 302
    hoa.refresh_from_db()
    assert hoa.claim_code != old
    assert hoa.claim_code in facilitator.get(response["Location"]).content.decode().replace("-", "")
    finished = sign_up(client)
    assert finished.status_code == 409 and "no longer works" in finished.content.decode()
    assert not User.objects.filter(email="hoa@example.org").exists()
    assert enter_code(Client(), old).status_code == 404
    assert enter_code(Client(), hoa.claim_code).status_code == 302


def test_only_the_workshops_staff_see_and_reset_claim_codes(hoa, workshop):
    other = Client()
    other.force_login(make_institute_member("facilitators", SECOND_INSTITUTE))
    for language in shipped_language_codes():
        assert other.get(f"/{language}/workshops/{workshop.pk}/claim-codes/").status_code == 404
        assert other.post(f"/{language}/workshops/{workshop.pk}/participants/{hoa.pk}/claim-code/").status_code == 404
    learner = Client()
    learner.force_login(learner_account("someone@example.org"))
    assert learner.get(f"/en/workshops/{workshop.pk}/claim-codes/").status_code == 404
    old = hoa.claim_code
    hoa.refresh_from_db()
    assert hoa.claim_code == old


def test_claims_are_rate_limited_per_client(hoa):
    client = Client()
    for _attempt in range(CLAIM_LOOKUPS.limit):
        assert enter_code(client, "K7M2QXR4TA").status_code == 404
    refused = enter_code(client, hoa.claim_code)  # even the right code, once over the limit
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert AttemptCounter.objects.exists()


def test_sign_up_rules_apply_to_a_claim(hoa):
    learner_account("taken@example.org")
    client = Client()
    enter_code(client, hoa.claim_code)
    taken = sign_up(client, email="taken@example.org")
    assert taken.status_code == 400 and "already exists" in taken.content.decode()
    weak = sign_up(client, password="123")
    assert weak.status_code == 400
    hoa.refresh_from_db()
    assert hoa.claim_code and not hoa.learner.is_active  # nothing claimed yet


@pytest.mark.parametrize("language", ["fr", "es", "pt"])
def test_claim_messages_are_translated(hoa, language):
    response = Client().post(f"/{language}/workshops/claim/", {"action": "code", "code": "K7M2QXR4TA"})
    body = response.content.decode()
    assert response.status_code == 404
    assert "No record has the claim code" not in body


def test_paper_results_of_a_claimed_record_count_on_the_dashboard(workshop):
    (participant,) = add_people(workshop, ["Trần Văn Minh"])
    quiz = workshop_quizzes(workshop)[0]
    paper_result(participant, quiz)
    participant.refresh_from_db()
    me = learner_account("minh@example.org", "Minh")
    claims.claim_into_account(participant_pk=participant.pk, code=participant.claim_code, learner=me)
    client = Client()
    client.force_login(me)
    dashboard = client.get("/en/learning/").content.decode()
    assert quiz.title in dashboard
    assert timezone.now()
