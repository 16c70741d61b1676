"""Workshops, the facilitator's side on the public site: plan, participants, attendance and paper results, follow.

One world for the module (two institutes' facilitators, a workshop each, participants with and without accounts),
made once inside a transaction rolled back at the end; each test's changes roll back to it."""

import csv
import html
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import PageLogEntry

from curriculum.i18n import shipped_language_codes
from curriculum.models import CoursePage, LessonPage, ModulePage, QuizPage
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue
from lms.progress.models import LessonProgress
from lms.quizzes.models import QuizAttempt
from lms.workshops.models import Attendance, PaperResult, Participant, Workshop, WorkshopSession
from lms.workshops.services import participant_add
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE, make_institute_member

LANGUAGES = shipped_language_codes()


def correct_answers(quiz: QuizPage) -> dict[str, list[str]]:
    """What a participant who got everything right ticked on the sheet (read from the quiz, as a test may)."""
    answers = {}
    for block in quiz.questions:
        value = block.value
        if block.block_type in ("single_choice", "multiple_choice"):
            answers[block.id] = [child.id for child in value["choices"].bound_blocks if child.value["correct"]]
        elif block.block_type == "true_false":
            answers[block.id] = ["true" if value["correct"] else "false"]
        elif block.block_type == "short_text":
            answers[block.id] = [value["accepted_answers"][0]]
        else:
            answers[block.id] = [str(value["answer"])]
    return answers


def wrong_answers(quiz: QuizPage) -> dict[str, list[str]]:
    answers = {}
    for block in quiz.questions:
        value = block.value
        if block.block_type in ("single_choice", "multiple_choice"):
            answers[block.id] = [next(c.id for c in value["choices"].bound_blocks if not c.value["correct"])]
        elif block.block_type == "true_false":
            answers[block.id] = ["false" if value["correct"] else "true"]
        else:
            answers[block.id] = ["999999"]
    return answers


class World:
    pass


def _workshop(course, facilitator, title, place):
    workshop = Workshop.objects.create(
        institute_key=course.institute.translation_key,
        course_key=course.translation_key,
        title=title,
        language="en",
        place=place,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=1),
        sessions_required=1,
        created_by=facilitator,
    )
    module = ModulePage.objects.child_of(course).order_by("path").first()
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    quiz = QuizPage.objects.child_of(module).first()
    first = WorkshopSession.objects.create(
        workshop=workshop,
        number=1,
        date=date.today(),
        item_keys=[str(lessons[0].translation_key), str(lessons[1].translation_key), str(quiz.translation_key)],
    )
    second = WorkshopSession.objects.create(
        workshop=workshop, number=2, date=date.today() + timedelta(days=1), item_keys=[str(lessons[2].translation_key)]
    )
    return workshop, first, second, lessons, quiz


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = World()
            w.facilitator_a = make_institute_member("facilitators", FIRST_INSTITUTE, display_name="Fatou Facilitator")
            w.moderator_a = make_institute_member("moderators", FIRST_INSTITUTE, display_name="Moderator A")
            w.facilitator_b = make_institute_member("facilitators", SECOND_INSTITUTE, display_name="Facilitator B")
            users = get_user_model().objects
            w.learner = users.create_user("kwame@example.org", "kwame@example.org", "pw-2045", display_name="Kwame")
            w.other_learner = users.create_user(
                "outsider@example.org", "outsider@example.org", "pw-2045", display_name="Outsider"
            )
            w.course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
            w.course_b = CoursePage.objects.get(institute__slug=SECOND_INSTITUTE, locale__language_code="en")
            w.workshop, w.session1, w.session2, w.lessons, w.quiz = _workshop(
                w.course, w.facilitator_a, "Kisumu partnership workshop", "Kisumu, Kenya"
            )
            w.workshop_b, w.session_b, _s, _l, w.quiz_b = _workshop(
                w.course_b, w.facilitator_b, "Baobab workshop", "Tahoua, Niger"
            )
            w.with_account = participant_add(workshop=w.workshop, name="Kwame", learner=w.learner)
            w.held = participant_add(
                workshop=w.workshop, name="Amina Qadir Zephyrine", phone="+254 700 111 222", organisation="Coop"
            )
            w.held2 = participant_add(workshop=w.workshop, name="Nguyễn Thị Lan", gender="woman")
            w.participant_b = participant_add(workshop=w.workshop_b, name="Baobab Secretname", phone="+227 555")
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def fac(world):
    return client_of(world.facilitator_a)


def url(world_or_pk, name="detail", language="en", **extra):
    pk = world_or_pk if isinstance(world_or_pk, int) else world_or_pk.workshop.pk
    paths = {
        "detail": "",
        "edit": "edit/",
        "participants": "participants/",
        "add": "participants/add/",
        "import": "participants/import/",
        "attendance": "attendance/",
        "walk_in": "attendance/walk-in/",
        "results": "results/",
        "csv": "export.csv",
        "xlsx": "export.xlsx",
    }
    return f"/{language}/workshops/{pk}/{paths[name]}"


def text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"]) if response.context else ""


# -- who sees what ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_workshops_link_shows_for_staff_only(world):
    assert 'href="/en/workshops/"' in client_of(world.facilitator_a).get("/en/learning/").content.decode()
    assert 'href="/en/workshops/"' in client_of(world.moderator_a).get("/en/learning/").content.decode()
    assert 'href="/en/workshops/"' not in client_of(world.learner).get("/en/learning/").content.decode()


@pytest.mark.django_db
def test_a_facilitator_lists_only_their_institutes_workshops(world, fac):
    page = fac.get("/en/workshops/").content.decode()
    assert "Kisumu partnership workshop" in page and "Baobab workshop" not in page
    assert "Baobab workshop" in client_of(world.facilitator_b).get("/fr/workshops/").content.decode()


@pytest.mark.django_db
def test_learners_get_404_and_anonymous_visitors_log_in(world):
    for path in ("/en/workshops/", "/en/workshops/new/", url(world), url(world, "csv"), url(world, "attendance")):
        assert client_of(world.learner).get(path).status_code == 404, path
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    assert client_of(world.learner).post(url(world, "add"), {"kind": "held", "name": "X"}).status_code == 404
    assert Client().post(url(world, "add"), {"kind": "held", "name": "X"}).status_code == 302
    assert not Participant.objects.filter(name="X").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_another_institutes_workshop_answers_404_in_every_language_and_every_export(world, language):
    other = client_of(world.facilitator_b)
    pk = world.workshop.pk
    for name in ("detail", "edit", "participants", "import", "attendance", "csv", "xlsx"):
        assert other.get(url(pk, name, language)).status_code == 404, name
    assert other.get(url(pk, "results", language) + f"?quiz={world.quiz.translation_key}").status_code == 404
    remove = f"/{language}/workshops/{pk}/participants/{world.held.pk}/remove/"
    assert other.get(remove).status_code == 404


@pytest.mark.django_db
def test_every_post_to_another_institutes_workshop_is_404_and_changes_nothing(world):
    other = client_of(world.facilitator_b)
    w = world
    before = _state(w.workshop)
    posts = {
        url(w, "edit"): {"title": "Taken", "language": "en", "place": "x", "starts_on": "2030-01-01"},
        url(w, "add"): {"kind": "held", "name": "Intruder"},
        url(w, "import"): {"file": SimpleUploadedFile("p.csv", b"Name to print on the certificate\nIntruder\n")},
        url(w, "attendance"): {"session": w.session1.pk, f"p{w.held.pk}": "absent"},
        url(w, "walk_in"): {"session": w.session1.pk, "name": "Intruder", "stakeholder_group": "other"},
        url(w, "results"): {"quiz": str(w.quiz.translation_key), "mode": "score", f"p{w.held.pk}-score": "100"},
        f"/en/workshops/{w.workshop.pk}/participants/{w.held.pk}/remove/": {},
    }
    for path, data in posts.items():
        assert other.post(path, data).status_code == 404, path
    assert _state(w.workshop) == before


def _state(workshop):
    return (
        list(Workshop.objects.filter(pk=workshop.pk).values_list("title", "place", "sessions_required")),
        list(workshop.sessions.order_by("pk").values_list("pk", "date", "item_keys")),
        list(workshop.participants.order_by("pk").values_list("pk", "name", "phone")),
        list(Attendance.objects.filter(session__workshop=workshop).order_by("pk").values_list("pk", "status")),
        list(PaperResult.objects.filter(workshop=workshop).values_list("pk")),
        QuizAttempt.objects.count(),
        LessonProgress.objects.count(),
    )


@pytest.mark.django_db
def test_participants_personal_data_never_reaches_a_learner_or_a_public_page(world, fac):
    # Kwame, a participant with an account, sees his workshop on "My learning", and nobody else in it.
    dashboard = client_of(world.learner).get("/en/learning/").content.decode()
    assert "Kisumu partnership workshop" in dashboard and "Kisumu, Kenya" in dashboard
    for private in ("Amina Qadir Zephyrine", "+254 700 111 222", "Nguyễn Thị Lan", "Baobab Secretname"):
        assert private not in dashboard
    # Another learner, and the public pages, see no workshop at all.
    for page in (
        client_of(world.other_learner).get("/en/learning/").content.decode(),
        Client().get(world.course.url).content.decode(),
        Client().get("/en/").content.decode(),
    ):
        assert "Kisumu partnership workshop" not in page and "Amina Qadir Zephyrine" not in page


# -- planning ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_facilitator_plans_a_workshop_with_sessions_covering_lessons_and_quizzes(world, fac):
    new = fac.get("/fr/workshops/new/")
    assert new.status_code == 200
    assert world.course.title in new.content.decode() or "cinq" in new.content.decode()
    assert world.course_b.title not in new.content.decode()  # another institute's course is not offered
    response = fac.post(
        "/en/workshops/new/",
        {
            "course": str(world.course.translation_key),
            "title": "Mbale three-day intensive",
            "language": "fr",
            "place": "Mbale, Uganda",
            "starts_on": "2030-03-02",
            "ends_on": "2030-03-04",
            "sessions_required": "0",
        },
    )
    workshop = Workshop.objects.get(title="Mbale three-day intensive")
    assert response["Location"] == f"/en/workshops/{workshop.pk}/edit/"
    assert workshop.institute_key == world.course.institute.translation_key
    edit = fac.get(f"/en/workshops/{workshop.pk}/edit/").content.decode()
    # The course's lessons and quizzes, grouped by module, keyed by translation_key.
    assert f'value="{world.lessons[0].translation_key}"' in edit and f'value="{world.quiz.translation_key}"' in edit
    response = fac.post(f"/en/workshops/{workshop.pk}/edit/", _edit_form(workshop, world, sessions_required=2))
    assert response.status_code == 302, text(response)[:3000]
    sessions = list(workshop.sessions.order_by("number"))
    assert [(s.number, s.date.isoformat(), s.starts_at.isoformat()[:5]) for s in sessions] == [
        (1, "2030-03-02", "09:00"),
        (2, "2030-03-03", "09:00"),
    ]
    assert sessions[0].item_keys == [str(world.lessons[0].translation_key), str(world.quiz.translation_key)]
    workshop.refresh_from_db()
    assert workshop.sessions_required == 2


def _edit_form(workshop, world, *, sessions_required=1, session_ids=("", ""), items=None, **extra):
    items = items or [
        [world.lessons[0].translation_key, world.quiz.translation_key],
        [world.lessons[1].translation_key],
    ]
    data = {
        "title": workshop.title,
        "language": workshop.language,
        "place": workshop.place,
        "starts_on": workshop.starts_on.isoformat(),
        "ends_on": workshop.ends_on.isoformat(),
        "sessions_required": str(sessions_required),
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "60",
    }
    for index, day in enumerate((workshop.starts_on, workshop.starts_on + timedelta(days=1))):
        data.update(
            {
                f"sessions-{index}-session": str(session_ids[index]),
                f"sessions-{index}-date": day.isoformat(),
                f"sessions-{index}-starts_at": "09:00",
                f"sessions-{index}-duration_minutes": "180",
                f"sessions-{index}-item_keys": [str(key) for key in items[index]],
            }
        )
    data.update(extra)
    return data


@pytest.mark.django_db
def test_a_session_of_another_workshop_or_an_item_not_in_the_course_is_refused(world, fac):
    before = _state(world.workshop), _state(world.workshop_b)
    tampered = _edit_form(world.workshop, world, session_ids=(world.session_b.pk, ""))
    response = fac.post(url(world, "edit"), tampered)
    assert response.status_code == 400
    assert "This session is not one of this workshop's. Nothing was saved." in text(response)
    stranger = _edit_form(world.workshop, world, items=[[world.quiz_b.translation_key], []])
    response = fac.post(url(world, "edit", "fr"), stranger)
    assert response.status_code == 400 and "Sélectionnez un choix valide" in text(response)
    too_many = _edit_form(world.workshop, world, sessions_required=7)
    assert fac.post(url(world, "edit"), too_many).status_code == 400
    assert (_state(world.workshop), _state(world.workshop_b)) == before


# -- participants -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_a_learner_by_email_and_a_participant_without_an_account(world, fac):
    response = fac.post(url(world, "add"), {"kind": "account", "email": "OUTSIDER@example.org"})
    assert response.status_code == 302
    assert world.workshop.participants.filter(learner=world.other_learner, has_own_account=True).exists()
    assert "Kisumu partnership workshop" in client_of(world.other_learner).get("/en/learning/").content.decode()
    response = fac.post(url(world, "add", "fr"), {"kind": "account", "email": "nobody@example.org"})
    assert response.status_code == 400 and "Aucun compte" in text(response)
    response = fac.post(
        url(world, "add"),
        {"kind": "held", "name": "Hawa Diallo", "phone": "", "organisation": "", "stakeholder_group": "farmer",
         "gender": "undisclosed"},
    )  # fmt: skip
    held = world.workshop.participants.get(name="Hawa Diallo")
    assert not held.has_own_account and held.claim_code and held.gender == "undisclosed"
    assert not held.learner.is_active and not held.learner.has_usable_password() and not held.learner.email


def _csv(rows, header=None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or ["Name to print on the certificate", "Email of their account (if they have one)",
                               "Phone number", "Organisation", "Stakeholder group", "Gender"])  # fmt: skip
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.mark.django_db
def test_importing_a_list_from_csv_attaches_accounts_and_adds_the_others(world, fac):
    rows = [[f"Participant {n:02d}", "", f"+254 7{n:02d}", "Coop", "Farmer or producer", "Woman"] for n in range(18)]
    rows += [["Outsider", "outsider@example.org", "", "", "ngo", ""], ["ليلى حداد", "", "", "", "Communauté", ""]]
    response = fac.post(url(world, "import"), {"file": SimpleUploadedFile("list.csv", _csv(rows))})
    assert response.status_code == 302
    assert world.workshop.participants.filter(name__startswith="Participant ").count() == 18
    attached = world.workshop.participants.get(learner=world.other_learner)
    assert attached.has_own_account and attached.stakeholder_group == "ngo"
    assert world.workshop.participants.get(name="ليلى حداد").stakeholder_group == "community"  # read in French
    assert "20 participants imported." in messages_of(fac.get(url(world, "participants")))


@pytest.mark.django_db
def test_a_bad_list_names_each_bad_line_and_imports_nothing(world, fac):
    before = world.workshop.participants.count()
    rows = [
        ["Good One", "", "", "", "", ""],
        ["", "", "", "", "farmer", ""],
        ["Bad Group", "", "", "", "astronaut", ""],
        ["No Account", "ghost@example.org", "", "", "", ""],
        ["Kwame again", "kwame@example.org", "", "", "", ""],
        ["Odd Gender", "", "", "", "", "sometimes"],
    ]
    response = fac.post(url(world, "import", "fr"), {"file": SimpleUploadedFile("list.csv", _csv(rows))})
    page = text(response)
    assert response.status_code == 400
    assert "Rien n’a été importé" in page or "Rien n'a été importé" in page
    for line in (3, 4, 5, 6, 7):
        assert f"Ligne {line}" in page, line
    assert "Ligne 2" not in page
    assert world.workshop.participants.count() == before


@pytest.mark.django_db
def test_a_name_no_font_can_print_is_refused_wherever_a_facilitator_types_it(world, fac):
    """Sign-up refuses a name its certificate would print with an empty box; so does every way a facilitator enters
    a participant's name (added, walked in, edited, imported), with the character named, in the page's language."""
    boxed = "Amina \ue000 Zephyrine"  # a private-use character: no installed font holds it
    before = set(world.workshop.participants.values_list("name", flat=True))
    held = {"kind": "held", "name": boxed, "phone": "", "organisation": "", "stakeholder_group": "farmer", "gender": ""}
    response = fac.post(url(world, "add", "fr"), held)
    assert response.status_code == 400 and "Un certificat ne pourrait pas imprimer \ue000" in text(response)
    walk_in = {"session": world.session2.pk, "name": boxed, "organisation": "", "stakeholder_group": "community",
               "gender": ""}  # fmt: skip
    response = fac.post(url(world, "walk_in", "es"), walk_in)
    assert "Un certificado no podría imprimir \ue000" in text(response)
    edit = f"/pt/workshops/{world.workshop.pk}/participants/{world.held.pk}/edit/"
    response = fac.post(edit, {**held, "stakeholder_group": "farmer"})
    assert "Um certificado não poderia imprimir \ue000" in text(response)
    response = fac.post(
        url(world, "import", "fr"),
        {"file": SimpleUploadedFile("list.csv", _csv([["Good One", "", "", "", "", ""], [boxed, "", "", "", "", ""]]))},
    )
    assert response.status_code == 400 and "Ligne 3" in text(response) and "\ue000" in text(response)
    assert set(world.workshop.participants.values_list("name", flat=True)) == before
    # Hard names that print are taken as typed.
    fac.post(url(world, "add"), {**held, "name": "Nguyễn Thị Minh Khai"})
    fac.post(url(world, "add"), {**held, "name": "فاطمة الزهراء"})
    assert {"Nguyễn Thị Minh Khai", "فاطمة الزهراء"} <= set(world.workshop.participants.values_list("name", flat=True))


@pytest.mark.django_db
def test_the_import_refuses_other_file_types_big_files_and_fake_spreadsheets(world, fac):
    before = world.workshop.participants.count()
    cases = {
        SimpleUploadedFile("list.txt", b"Name\nA\n"): "Choose a CSV or XLSX file.",
        SimpleUploadedFile("list.xlsx", b"Name to print\nA\n"): "This file is not an Excel (XLSX) file.",
        SimpleUploadedFile("list.csv", b"x" * (1024 * 1024 + 1)): "larger than 1 MB",
        SimpleUploadedFile("list.csv", "Nom\nA\n".encode("utf-16")): "not a CSV text file",
        SimpleUploadedFile("list.csv", b"Colour\nred\n"): "Line 1 must hold the column names",
    }
    for upload, message in cases.items():
        response = fac.post(url(world, "import"), {"file": upload})
        assert response.status_code == 400 and message in text(response), message
    assert world.workshop.participants.count() == before


@pytest.mark.django_db
def test_the_templates_download_in_both_formats_with_translated_headers_and_import_back(world, fac):
    response = fac.get("/fr/workshops/participants-template.csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[0] == "Nom à imprimer sur le certificat"
    response = fac.get("/es/workshops/participants-template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[4] == "Grupo de actores"
    # The Spanish template, filled in, imports.
    sheet.append(["Rosa Quispe", None, None, "Asociación", "Agricultor o productor", "Mujer"])
    out = io.BytesIO()
    sheet.parent.save(out)
    response = fac.post(url(world, "import"), {"file": SimpleUploadedFile("lista.xlsx", out.getvalue())})
    assert response.status_code == 302
    rosa = world.workshop.participants.get(name="Rosa Quispe")
    assert (rosa.stakeholder_group, rosa.gender) == ("farmer", "woman")
    assert fac.get("/en/workshops/participants-template.pdf").status_code == 404


@pytest.mark.django_db
def test_removing_a_participant_deletes_their_data_and_their_certificate_stays_verifiable(world, fac):
    held_account = world.held.learner
    certificate = certificate_issue(learner=held_account, course=world.course)
    path = f"/en/workshops/{world.workshop.pk}/participants/{world.held.pk}/remove/"
    assert "Amina Qadir Zephyrine" in fac.get(path).content.decode()
    assert fac.post(path).status_code == 302
    assert not Participant.objects.filter(pk=world.held.pk).exists()
    assert not get_user_model().objects.filter(pk=held_account.pk).exists()
    certificate.refresh_from_db()
    assert certificate.learner is None and not certificate.is_revoked and not certificate.holder_deleted
    verification = Client().get(f"/verify/{certificate.token}/")
    assert verification.status_code == 200 and "Amina Qadir Zephyrine" in verification.content.decode()
    # A participant with an account keeps the account and its records.
    path = f"/en/workshops/{world.workshop.pk}/participants/{world.with_account.pk}/remove/"
    assert fac.post(path).status_code == 302
    assert get_user_model().objects.filter(pk=world.learner.pk, is_active=True).exists()
    # Another workshop's participant, through this workshop's address: not found.
    path = f"/en/workshops/{world.workshop.pk}/participants/{world.participant_b.pk}/remove/"
    assert fac.post(path).status_code == 404
    assert Participant.objects.filter(pk=world.participant_b.pk).exists()


@pytest.mark.django_db
def test_a_participants_details_are_edited_by_their_institutes_facilitator_only(world, fac):
    path = f"/en/workshops/{world.workshop.pk}/participants/{world.held.pk}/edit/"
    assert f'href="{path}"' in fac.get(url(world, "participants")).content.decode()
    form = fac.get(path).content.decode()
    assert "Amina Qadir Zephyrine" in form and "+254 700 111 222" in form
    details = {"name": "Amina Q. Zephyrine", "phone": "+254 700 333 444", "organisation": "Lake Coop",
               "stakeholder_group": "farmer", "gender": "undisclosed"}  # fmt: skip
    response = fac.post(path, details, follow=True)
    assert "The details of Amina Q. Zephyrine are saved." in messages_of(response)
    world.held.refresh_from_db()
    assert (world.held.name, world.held.phone, world.held.organisation, world.held.stakeholder_group) == (
        "Amina Q. Zephyrine", "+254 700 333 444", "Lake Coop", "farmer"
    )  # fmt: skip
    assert world.held.gender == "undisclosed" and world.held.claim_code  # the claim code stays as printed
    assert world.held.learner.display_name == "Amina Q. Zephyrine"  # the held account carries the name too
    # A bad value is refused with the form again; nothing changes.
    response = fac.post(path, {**details, "name": "", "gender": "robot"})
    assert response.status_code == 400
    world.held.refresh_from_db()
    assert world.held.name == "Amina Q. Zephyrine"
    # In French too.
    page = fac.get(f"/fr/workshops/{world.workshop.pk}/participants/{world.held.pk}/edit/").content.decode()
    assert "Enregistrer les coordonnées" in page
    # Another institute's participant: not found, through either workshop's address, and unchanged.
    for workshop in (world.workshop, world.workshop_b):
        path_b = f"/en/workshops/{workshop.pk}/participants/{world.participant_b.pk}/edit/"
        assert fac.get(path_b).status_code == 404
        assert fac.post(path_b, details).status_code == 404
    world.participant_b.refresh_from_db()
    assert world.participant_b.name == "Baobab Secretname"


@pytest.mark.django_db
def test_a_resent_sheet_naming_a_removed_participant_records_the_rest_and_names_them(world, fac):
    """A phone filled in the sheets, then someone removed a participant before the phone sent them."""
    gone = participant_add(workshop=world.workshop, name="Gone Gatwiri")
    attendance = _attendance(world, world.session1, {world.held: "present", gone: "late"})
    attendance[f"n{gone.pk}"] = "Gone Gatwiri"
    scores = _answers_form(world, world.quiz, {world.held: "80", gone: "90"}, mode="score")
    scores[f"n{gone.pk}"] = "Gone Gatwiri"
    fac.post(f"/en/workshops/{world.workshop.pk}/participants/{gone.pk}/remove/")
    warning = "Not recorded for Gone Gatwiri: removed from the workshop since this sheet was filled in."
    response = fac.post(url(world, "attendance"), attendance, follow=True)
    assert warning in messages_of(response)
    assert "(1 change)" in messages_of(response)
    assert list(Attendance.objects.filter(session=world.session1).values_list("participant_id", "status")) == [
        (world.held.pk, "present")
    ]
    response = fac.post(url(world, "results"), scores, follow=True)
    assert warning in messages_of(response) and "1 paper result recorded." in messages_of(response)
    assert list(PaperResult.objects.filter(workshop=world.workshop).values_list("participant_id", flat=True)) == [
        world.held.pk
    ]
    # In French, without the name the phone kept: the participant's number.
    del attendance[f"n{gone.pk}"]
    response = fac.post(url(world, "attendance", "fr"), attendance, follow=True)
    assert f"Non enregistré pour participant n° {gone.pk}" in messages_of(response)


# -- attendance -------------------------------------------------------------------------------------------------------


def _attendance(world, session, statuses: dict) -> dict:
    return {"session": session.pk, **{f"p{participant.pk}": status for participant, status in statuses.items()}}


@pytest.mark.django_db
def test_attendance_in_one_form_marks_the_lessons_covered_complete_for_those_present(world, fac):
    page = fac.get(url(world, "attendance") + f"?session={world.session1.pk}").content.decode()
    assert page.count('type="radio"') == 4 * 3
    data = _attendance(
        world, world.session1, {world.with_account: "present", world.held: "late", world.held2: "absent"}
    )
    response = fac.post(url(world, "attendance"), data)
    assert response.status_code == 302
    statuses = dict(Attendance.objects.filter(session=world.session1).values_list("participant_id", "status"))
    assert statuses == {world.with_account.pk: "present", world.held.pk: "late", world.held2.pk: "absent"}
    covered = {world.lessons[0].translation_key, world.lessons[1].translation_key}
    for participant, expected in ((world.with_account, covered), (world.held, covered), (world.held2, set())):
        done = set(
            LessonProgress.objects.filter(learner=participant.learner, completed_at__isnull=False).values_list(
                "lesson_key", flat=True
            )
        )
        assert done == expected, participant.name
    # The quiz the session covers is not passed by being there.
    assert not LessonProgress.objects.filter(learner=world.held.learner, lesson_key=world.quiz.translation_key).exists()
    # The same sheet again (a double submit, a replayed queue): nothing changes, nothing is added.
    before = _state(world.workshop)
    response = fac.post(url(world, "attendance"), data, follow=True)
    assert "(0 changes)" in messages_of(response)
    assert _state(world.workshop) == before
    # The learner sees their own attendance.
    dashboard = client_of(world.learner).get("/en/learning/").content.decode()
    assert "Present" in dashboard


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper,message",
    [
        ("foreign participant", "This form names a participant who is not in this workshop. Nothing was recorded."),
        ("bad status", "Select a valid choice."),
        ("foreign session", "This session is not one of this workshop's. Nothing was recorded."),
    ],
)
def test_a_tampered_attendance_form_is_refused_whole(world, fac, tamper, message):
    data = _attendance(world, world.session1, {world.with_account: "present", world.held: "present"})
    if tamper == "foreign participant":
        data[f"p{world.participant_b.pk}"] = "present"
    elif tamper == "bad status":
        data[f"p{world.held.pk}"] = "asleep"
    else:
        data["session"] = world.session_b.pk
    before = _state(world.workshop), _state(world.workshop_b)
    response = fac.post(url(world, "attendance"), data)
    assert response.status_code == 400 and message in text(response)
    assert (_state(world.workshop), _state(world.workshop_b)) == before


@pytest.mark.django_db
def test_a_walk_in_is_added_and_marked_present_in_one_step(world, fac):
    response = fac.post(
        url(world, "walk_in"),
        {"session": world.session2.pk, "name": "Walk-in Wanjiru", "organisation": "", "stakeholder_group": "community",
         "gender": ""},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith(f"?session={world.session2.pk}")
    walk_in = world.workshop.participants.get(name="Walk-in Wanjiru")
    assert walk_in.attendance.get().status == "present" and walk_in.attendance.get().session == world.session2
    assert LessonProgress.objects.filter(
        learner=walk_in.learner, lesson_key=world.lessons[2].translation_key, completed_at__isnull=False
    ).exists()


# -- paper results ----------------------------------------------------------------------------------------------------


def _answers_form(world, quiz, answers_by_participant, mode="answers"):
    data = {"quiz": str(quiz.translation_key), "mode": mode}
    for participant, answers in answers_by_participant.items():
        if mode == "score":
            data[f"p{participant.pk}-score"] = answers
        else:
            for question_id, values in answers.items():
                data[f"p{participant.pk}-{question_id}"] = values
    return data


@pytest.mark.django_db
def test_paper_answers_are_graded_by_the_server_and_count_as_attempts(world, fac):
    results = url(world, "results") + f"?quiz={world.quiz.translation_key}"
    page = fac.get(results).content.decode()
    assert world.quiz.questions[0].value["prompt"] in page
    assert "correct" not in page.lower() or "feedback" not in page.lower()  # no answer key on the form
    first_choice_feedback = world.quiz.questions[0].value["choices"][1]["feedback"]
    assert first_choice_feedback not in page
    data = _answers_form(world, world.quiz, {world.with_account: correct_answers(world.quiz),
                                             world.held: wrong_answers(world.quiz)})  # fmt: skip
    response = fac.post(url(world, "results"), data)
    assert response.status_code == 302, text(response)[:2000]
    right = PaperResult.objects.get(participant=world.with_account, quiz_key=world.quiz.translation_key)
    wrong = PaperResult.objects.get(participant=world.held, quiz_key=world.quiz.translation_key)
    assert (right.attempt.score, right.attempt.passed, right.score_only) == (100, True, False)
    assert (wrong.attempt.score, wrong.attempt.passed) == (0, False)
    assert right.attempt.learner == world.learner and right.entered_by == world.facilitator_a
    assert right.attempt.revision_id == world.quiz.live_revision_id
    assert LessonProgress.objects.filter(
        learner=world.learner, lesson_key=world.quiz.translation_key, completed_at__isnull=False
    ).exists()
    # The learner's dashboard says it came from paper, by whom and when.
    dashboard = client_of(world.learner).get("/en/learning/").content.decode()
    assert "entered from paper by Fatou Facilitator on" in dashboard
    assert "best score 100%" in dashboard
    # Entered again (double submit, replayed queue, a second facilitator): recorded once, the first entry stands.
    before = _state(world.workshop)
    other_facilitator = client_of(world.moderator_a)
    again = _answers_form(world, world.quiz, {world.with_account: wrong_answers(world.quiz)})
    response = other_facilitator.post(url(world, "results"), again, follow=True)
    assert "the first entry stands" in messages_of(response)
    assert _state(world.workshop) == before


@pytest.mark.django_db
def test_a_score_only_sheet_and_blank_questions(world, fac):
    answers = correct_answers(world.quiz)
    blank = dict(answers)
    first = next(iter(blank))
    blank[first] = [""]  # left blank on the sheet: it scores nothing, it is not refused
    response = fac.post(url(world, "results"), _answers_form(world, world.quiz, {world.held2: blank}))
    assert response.status_code == 302
    attempt = PaperResult.objects.get(participant=world.held2).attempt
    assert 0 < attempt.score < 100
    response = fac.post(url(world, "results"), _answers_form(world, world.quiz, {world.held: "85,5"}, mode="score"))
    assert response.status_code == 302
    result = PaperResult.objects.get(participant=world.held)
    assert result.score_only and result.attempt.score == 85.5 and result.attempt.passed
    assert not result.attempt.answers.exists()


@pytest.mark.django_db
def test_paper_answers_are_graded_against_the_revision_used_that_day(world, fac):
    used_that_day = world.quiz.live_revision_id
    quiz = QuizPage.objects.get(pk=world.quiz.pk)
    # After the workshop an editor changes which answer of the first question is right.
    stream = quiz.questions.raw_data
    for choice in stream[0]["value"]["choices"]:
        choice["value"]["correct"] = not choice["value"]["correct"] if choice["value"]["correct"] else False
    stream[0]["value"]["choices"][0]["value"]["correct"] = True
    quiz.questions = stream
    quiz.save_revision().publish()
    latest = PageLogEntry.objects.filter(page=quiz, action="wagtail.publish").latest("pk")
    PageLogEntry.objects.filter(pk=latest.pk).update(timestamp=timezone.now() + timedelta(days=3))
    assert QuizPage.objects.get(pk=quiz.pk).live_revision_id != used_that_day
    data = _answers_form(world, world.quiz, {world.held: correct_answers(world.quiz)})  # right as printed
    assert fac.post(url(world, "results"), data).status_code == 302
    attempt = PaperResult.objects.get(participant=world.held).attempt
    assert attempt.revision_id == used_that_day and attempt.score == 100


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["foreign participant", "quiz not in the course", "unknown question", "bad score"])
def test_a_tampered_results_form_is_refused_and_records_nothing(world, fac, tamper):
    data = _answers_form(world, world.quiz, {world.held: correct_answers(world.quiz)})
    expected = "Nothing was recorded"
    if tamper == "foreign participant":
        data[f"p{world.participant_b.pk}-score"] = "100"
        expected = "This form names a participant who is not in this workshop. Nothing was recorded."
    elif tamper == "quiz not in the course":
        data["quiz"] = str(world.quiz_b.translation_key)
        expected = "This quiz is not part of the workshop's course. Nothing was recorded."
    elif tamper == "unknown question":
        data[f"p{world.with_account.pk}-not-a-question"] = "x"
        expected = "This form holds answers to questions that are not in this quiz."
    else:
        data = _answers_form(world, world.quiz, {world.held: "100", world.held2: "120"}, mode="score")
        expected = "Enter a score between 0 and 100."
    before = _state(world.workshop), _state(world.workshop_b)
    response = fac.post(url(world, "results"), data, follow=True)
    assert expected in text(response), tamper
    assert (_state(world.workshop), _state(world.workshop_b)) == before


@pytest.mark.django_db
def test_a_results_page_in_french_is_translated(world, fac):
    page = fac.get(url(world, "results", "fr") + f"?quiz={world.quiz.translation_key}").content.decode()
    assert "Résultats sur papier" in page and "Enregistrer ces résultats" in page


# -- follow: the grid, its exports, the group's progress ---------------------------------------------------------------


class _Table(HTMLParser):
    """The cells of the page's follow-up table, as text, row by row."""

    def __init__(self):
        super().__init__()
        self.rows, self.inside, self.cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "workshop-grid") in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _screen(client, path):
    parser = _Table()
    parser.feed(client.get(path).content.decode())
    return parser.rows


def _record_some(world, fac):
    fac.post(url(world, "attendance"), _attendance(world, world.session1, {world.with_account: "present",
                                                                            world.held: "excused"}))  # fmt: skip
    fac.post(url(world, "results"), _answers_form(world, world.quiz, {world.with_account: correct_answers(world.quiz)}))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_exports_hold_what_the_screen_shows(world, fac, language):
    _record_some(world, fac)
    screen = _screen(fac, url(world, "detail", language))
    assert len(screen) == 1 + 3
    kwame = next(row for row in screen if row[0] == "Kwame")
    assert "100%" in kwame and "✓" in kwame
    exported_csv = list(csv.reader(io.StringIO(fac.get(url(world, "csv", language)).content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(fac.get(url(world, "xlsx", language)).content)).active
    exported_xlsx = [
        ["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert exported_csv == screen
    assert exported_xlsx == screen


@pytest.mark.django_db
def test_the_group_page_shows_the_completion_rule_and_progress_per_element(world, fac):
    _record_some(world, fac)
    page = fac.get(url(world)).content.decode()
    assert "of 3 participants met the completion rule" in page
    assert "element-chart" in page and "The group's progress per ILM element" in page
    assert '{% include "lms/workshops/includes/documents.html" %}' not in page  # the include is rendered, not shown


def _many_participants(workshop, count, session):
    for number in range(count):
        participant = participant_add(workshop=workshop, name=f"Bulk {number:03d}")
        Attendance.objects.create(session=session, participant=participant, status="present")


@pytest.mark.django_db
def test_the_page_and_exports_use_a_constant_number_of_queries(world, fac):
    def counts():
        found = []
        for name in ("detail", "csv", "xlsx"):
            with CaptureQueriesContext(connection) as queries:
                assert fac.get(url(world, name)).status_code == 200
            found.append(len(queries))
        return found

    _many_participants(world.workshop, 2, world.session1)  # 5 participants
    counts()  # what the site caches on a first visit (its root page, the locales) is cached
    few = counts()
    _many_participants(world.workshop, 195, world.session1)  # 200
    many = counts()
    assert many == few, (few, many)


@pytest.mark.django_db
def test_every_page_of_the_facilitator_renders_in_every_language(world, fac):
    for language in LANGUAGES:
        for name in ("detail", "edit", "participants", "import", "attendance"):
            response = fac.get(url(world, name, language))
            assert response.status_code == 200, (language, name)
            assert re.search(r'<html lang="' + language, text(response)), (language, name)
        assert fac.get(f"/{language}/workshops/").status_code == 200
        assert fac.get(f"/{language}/workshops/new/").status_code == 200


@pytest.mark.django_db
def test_the_certificate_stays_after_a_paper_pass_is_removed_with_its_participant(world, fac):
    """Nothing on the removal path revokes a certificate issued to a held account."""
    Certificate.objects.filter(learner=world.held2.learner).delete()
    certificate = certificate_issue(learner=world.held2.learner, course=world.course)
    fac.post(f"/en/workshops/{world.workshop.pk}/participants/{world.held2.pk}/remove/")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.learner_name == "Nguyễn Thị Lan"


def test_every_workshop_address_names_its_workshop_and_participant_alike():
    """One name per thing in every address: workshop_id and participant_id (never pk or participant_pk)."""
    from lms.workshops.urls import urlpatterns

    for pattern in urlpatterns:
        assert set(pattern.pattern.converters) <= {"workshop_id", "participant_id", "fmt", "code"}, pattern.name
    assert {"workshop_id", "participant_id"} <= {name for pattern in urlpatterns for name in pattern.pattern.converters}


def test_the_course_title_is_marked_with_its_language_where_the_course_is_not_translated(world, fac):
    """On the Indonesian site the course shows its English source: its title says so (lang="en"); on the French
    site, where it is translated, it carries no mark."""
    from wagtail.models import Page

    for page in ("", "detail"):
        indonesian = fac.get("/id/workshops/" if not page else url(world, page, language="id"))
        assert indonesian.status_code == 200
        assert f'lang="en">{world.course.title}<' in text(indonesian)
    french_title = Page.objects.get(translation_key=world.course.translation_key, locale__language_code="fr").title
    french = text(fac.get(url(world, "detail", language="fr")))
    first_words = french_title.split(":")[0].strip()  # the page typesets the French colon's space
    assert re.search(rf"<dd>{re.escape(first_words)}", french), "the translated title needs no mark"
