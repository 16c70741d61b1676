"""Workshop paper and certificates: the sheets pack (sign-in and results sheets with their codes and QR codes), the
certificates of the participants who meet the rule, and the print pack of those certificates."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from curriculum.i18n import date_range, long_date, shipped_language_codes
from lms.certificates.models import Certificate
from lms.pdf.render import pdf_storage
from lms.progress.models import Enrolment
from lms.workshops import certification, documents
from lms.workshops.models import CertificatePack, SheetsPack
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE, make_institute_member
from tests.workshop_scene import (
    NAMES,
    add_people,
    attend,
    complete,
    make_workshop,
    paper_result,
    pdf_text,
    qr_codes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(db):
    return make_workshop()


@pytest.fixture
def people(workshop):
    return add_people(workshop)


@pytest.fixture
def short_workshop(db):
    """The second institute's workshop of its one-quiz course: a pack of a few pages, quick to render."""
    return make_workshop(slug=SECOND_INSTITUTE, course_slug="farmer-led-restoration")


@pytest.fixture
def facilitator(db):
    return make_institute_member("facilitators", FIRST_INSTITUTE)


@pytest.fixture
def facilitator_client(facilitator):
    client = Client()
    client.force_login(facilitator)
    return client


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_sheets_pack_has_a_sign_in_sheet_per_session_and_a_results_sheet_per_quiz(
    workshop, people, tmp_path, facilitator_client
):
    # One pack read three ways (its rendering is what takes time): its text, its names, its QR codes.
    pdf = documents.sheets_pdf(workshop)
    raw = pdf_text(pdf, tmp_path)
    text = flat(raw)
    for number in (1, 2, 3):
        assert f"Sign-in sheet: session {number}" in text
        assert f"{workshop.code}-S{number}" in text
    quizzes = documents.workshop_quizzes(workshop)
    assert len(quizzes) == 5
    for index, quiz in enumerate(quizzes, start=1):
        assert f"Results sheet: {quiz.title}" in text
        assert f"{workshop.code}-Q{index}" in text
    # Every sheet says which workshop it belongs to: title, place and dates.
    assert text.count("Five elements intensive") >= 8 and "Ségou, Mali" in text and "2026" in text
    for name in ("Marie Dubois", "Nguyễn Thị Hoa", "John Okello", "Trần Văn Minh"):
        assert name in text
    assert "Organisation" in text and "Signature" in text and "Cooperative of 2" in text
    # Arabic comes back whole from pdftotext (in logical order) only when it was laid out right to left, shaped.
    assert "فاطمة الزهراء" in raw or "ءارهزلا ةمطاف" in raw
    assert "محمد عبد الله" in raw or "هللا دبع دمحم" in raw

    # Each sheet carries a QR code of the page where it is entered.
    expected = f"{settings.PUBLIC_BASE_URL}/en/workshops/sheet/{workshop.code}-S1/"
    assert expected in qr_codes(pdf, tmp_path, first=1, last=1)
    # The address opens the workshop's page for its staff (the recording page once there is one).
    response = facilitator_client.get(expected.removeprefix(settings.PUBLIC_BASE_URL))
    assert response.status_code == 302 and f"/workshops/{workshop.pk}/" in response["Location"]
    assert facilitator_client.get(f"/en/workshops/sheet/{workshop.code}-Q9/").status_code == 404


def test_a_results_sheet_shows_the_choices_to_circle_and_never_the_right_answer(workshop, people, tmp_path):
    quiz = documents.workshop_quizzes(workshop)[0]
    html = documents.sheets_html(workshop, [], people, [quiz])
    pdf = documents.render_pdf(html)
    text = flat(pdf_text(pdf, tmp_path))
    kinds = [question.block_type for question in quiz.questions]
    assert "single_choice" in kinds and "true_false" in kinds
    # The letters to circle, and the choices they stand for.
    assert "A B C D" in text and "T F" in text
    first = quiz.questions[0].value["choices"].bound_blocks
    assert first[1].value["text"][:40] in text
    # Nothing says which choice is right: no answer key, no feedback, no explanation.
    assert "correct" not in html.lower().replace("correctly", "")
    for question in quiz.questions:
        for choice in question.value.get("choices", []) or []:
            assert choice["feedback"][:30] not in text
        assert question.block.correct_answer_text(question.value) not in html or question.block_type != "short_text"


def test_written_answers_get_a_points_column_and_no_accepted_answer(workshop, people, tmp_path):
    quiz = next(
        quiz
        for quiz in documents.workshop_quizzes(workshop)
        if any(question.block_type in ("short_text", "numeric") for question in quiz.questions)
    )
    html = documents.sheets_html(workshop, [], people, [quiz])
    written = [question for question in quiz.questions if question.block_type in ("short_text", "numeric")]
    for question in written:
        if question.block_type == "short_text":
            for accepted in question.value["accepted_answers"]:
                assert f">{accepted}<" not in html and f" {accepted} " not in html
    text = flat(pdf_text(documents.render_pdf(html), tmp_path))
    assert "points" in text and "Score (%)" in text


def test_the_pack_is_kept_and_made_again_when_a_participant_or_session_changes(
    short_workshop, tmp_path, django_capture_on_commit_callbacks
):
    workshop = short_workshop
    people = add_people(workshop, NAMES[:3])
    documents.workshop_files_delete(workshop.pk)  # ids come back in later tests: files of an earlier one may be there
    first = documents.sheets_pdf(workshop)
    storage = pdf_storage()
    folder = f"workshops/{workshop.pk}"
    (stored,) = storage.listdir(folder)[1]
    assert documents.sheets_pdf(workshop) == first  # read back, not rendered again
    people[0].name = "Marie-Claire Dubois"
    people[0].save()
    second = documents.sheets_pdf(workshop)
    assert "Marie-Claire Dubois" in pdf_text(second, tmp_path)
    (kept,) = storage.listdir(folder)[1]  # the old version (with the old name) is gone
    assert kept != stored
    session = workshop.sessions.get(number=3)
    session.date = session.date.replace(day=20)
    session.save()
    assert "20" in pdf_text(documents.sheets_pdf(workshop), tmp_path, "third.pdf")
    (latest,) = storage.listdir(folder)[1]
    assert latest != kept
    with django_capture_on_commit_callbacks(execute=True):
        workshop.delete()
    assert not storage.exists(folder) or not storage.listdir(folder)[1]  # people's names go with the workshop


@pytest.mark.parametrize("language, heading", [("fr", "Feuille de présence"), ("pt", "Folha de presença")])
def test_the_pack_is_in_the_workshop_language(language, heading, db, tmp_path):
    workshop = make_workshop(slug=SECOND_INSTITUTE, course_slug="farmer-led-restoration", language=language)
    add_people(workshop, NAMES[:2])
    text = flat(pdf_text(documents.sheets_pdf(workshop), tmp_path))
    assert heading in text
    assert (
        f"/{language}/workshops/sheet/{workshop.code}-S1/"
        in qr_codes(documents.sheets_pdf(workshop), tmp_path, first=1, last=1)[0]
    )


def test_only_the_institutes_staff_download_the_sheets(short_workshop):
    workshop = short_workshop
    add_people(workshop, NAMES[:2])
    url = f"/en/workshops/{workshop.pk}/sheets.pdf"
    own = Client()
    own.force_login(make_institute_member("facilitators", SECOND_INSTITUTE))
    response = own.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    other = Client()
    other.force_login(make_institute_member("facilitators", FIRST_INSTITUTE))
    for language in shipped_language_codes():
        assert other.get(f"/{language}/workshops/{workshop.pk}/sheets.pdf").status_code == 404
        assert other.get(f"/{language}/workshops/sheet/{workshop.code}-S1/").status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


# --- certificates -----------------------------------------------------------------------------------------------


def test_certify_issues_the_certificates_of_those_who_meet_the_rule_once(workshop, people):
    done, attended_only, quizzes_only = people[0], people[1], people[2]
    complete(done)
    attend(attended_only, 1, 2, 3)
    for quiz in documents.workshop_quizzes(workshop):
        paper_result(quizzes_only, quiz)
    issued = certification.workshop_certify(workshop=workshop)
    assert [certificate.learner_id for certificate in issued] == [done.learner_id]
    (certificate,) = issued
    assert certificate.learner_name == "Marie Dubois"
    assert certificate.workshop == {"place": "Ségou, Mali", "starts_on": "2026-03-02", "ends_on": "2026-03-04"}
    assert certificate.language == "en"
    # The workshop's last day, not the day results were entered (unless that is before it ends).
    assert certificate.completed_on == min(timezone.localdate(), workshop.ends_on)
    assert Enrolment.objects.get(learner=done.learner, course_key=workshop.course_key).completed_at is not None
    assert certification.workshop_certify(workshop=workshop) == []  # idempotent
    assert Certificate.objects.filter(course_key=workshop.course_key, learner=done.learner).count() == 1


DECEMBER_1_TO_3 = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 3))
NOVEMBER_30_TO_DECEMBER_1 = (datetime.date(2026, 11, 30), datetime.date(2026, 12, 1))
OVER_NEW_YEAR = (datetime.date(2026, 12, 30), datetime.date(2027, 1, 1))


@pytest.mark.parametrize(
    "language, days, expected",
    [
        ("en", DECEMBER_1_TO_3, "December 1 – 3, 2026"),
        ("en", NOVEMBER_30_TO_DECEMBER_1, "November 30 – December 1, 2026"),
        ("en", OVER_NEW_YEAR, "December 30, 2026 – January 1, 2027"),
        ("fr", DECEMBER_1_TO_3, "du 1er au 3 décembre 2026"),
        ("fr", NOVEMBER_30_TO_DECEMBER_1, "du 30 novembre au 1er décembre 2026"),
        ("fr", OVER_NEW_YEAR, "du 30 décembre 2026 au 1er janvier 2027"),
        ("fr", (datetime.date(2026, 12, 1),) * 2, "1er décembre 2026"),
        ("fr", (datetime.date(2026, 12, 11), datetime.date(2026, 12, 21)), "du 11 au 21 décembre 2026"),
        ("es", DECEMBER_1_TO_3, "del 1 al 3 de diciembre de 2026"),
        ("es", NOVEMBER_30_TO_DECEMBER_1, "del 30 de noviembre al 1 de diciembre de 2026"),
        ("es", OVER_NEW_YEAR, "del 30 de diciembre de 2026 al 1 de enero de 2027"),
        ("pt", DECEMBER_1_TO_3, "de 1º a 3 de dezembro de 2026"),
        ("pt", NOVEMBER_30_TO_DECEMBER_1, "de 30 de novembro a 1º de dezembro de 2026"),
        ("pt", OVER_NEW_YEAR, "de 30 de dezembro de 2026 a 1º de janeiro de 2027"),
    ],
)
def test_date_ranges_are_written_as_each_language_writes_them(language, days, expected):
    assert date_range(*days, language) == expected


def test_a_session_day_in_french_says_1er_with_its_weekday():
    assert long_date(datetime.date(2026, 12, 1), "fr", "full") == "mardi 1er décembre 2026"
    assert long_date(datetime.date(2026, 12, 1), "pt") == "1º de dezembro de 2026"
    assert long_date(datetime.date(2026, 12, 1), "es") == "1 de diciembre de 2026"
    assert long_date(datetime.date(2026, 12, 11), "fr", "full") == "vendredi 11 décembre 2026"


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "Completed in a workshop at Ségou, Mali, March 2 – 4, 2026"),
        ("fr", "Réalisé lors d’un atelier à Ségou, Mali, du 2 au 4 mars 2026"),
        ("es", "Completado en un taller en Ségou, Mali, del 2 al 4 de marzo de 2026"),
        ("pt", "Concluído numa oficina em Ségou, Mali, de 2 a 4 de março de 2026"),
    ],
)
def test_the_workshop_is_on_the_certificate_and_its_verification_page(workshop, people, language, expected):
    complete(people[0])
    (certificate,) = certification.workshop_certify(workshop=workshop)
    assert certificate.workshop_text(language).startswith(expected)
    page = Client().get(f"/verify/{certificate.token}/?language={language}").content.decode()
    assert certificate.workshop_text(language) in page


def test_the_certificate_pdf_says_where_and_prints_the_claim_code(workshop, people, tmp_path):
    complete(people[1])  # no account
    (certificate,) = certification.workshop_certify(workshop=workshop)
    people[1].refresh_from_db()
    html = certification.certificate_html(
        certificate, "fr", claim={"code": people[1].claim_code, "url": certification.claim_url("fr")}
    )
    text = flat(pdf_text(certification.render_pdf_of_documents([html]), tmp_path))
    assert "Nguyễn Thị Hoa" in text
    assert "Réalisé lors d’un atelier à Ségou, Mali" in text
    assert f"{people[1].claim_code[:5]}-{people[1].claim_code[5:]}" in text
    assert "/fr/workshops/claim/" in text


def test_the_certificates_pack_has_one_page_per_certificate_with_progress(
    workshop, people, facilitator_client, tmp_path
):
    for participant in people[:3]:
        complete(participant)
    response = facilitator_client.post(f"/en/workshops/{workshop.pk}/certificates/")
    assert response.status_code == 302 and response["Location"].endswith(f"/workshops/{workshop.pk}/certificates/pack/")
    assert Certificate.objects.filter(course_key=workshop.course_key, revoked_at__isnull=True).count() == 3
    page = facilitator_client.get(response["Location"])
    assert page.status_code == 200 and "3 certificates are ready" in page.content.decode()
    pack = CertificatePack.objects.get(workshop=workshop)
    assert (pack.done, pack.total) == (3, 3)
    download = facilitator_client.get(f"/en/workshops/{workshop.pk}/certificates/pack.pdf")
    pdf = b"".join(download.streaming_content)
    text = pdf_text(pdf, tmp_path)
    assert text.count("\f") == 3  # three pages
    pages = text.split("\f")
    assert "Marie Dubois" in pages[0] and "Nguyễn Thị Hoa" in pages[1]
    # Participants without an account find their claim code on their own page only.
    codes = {p.name: p.claim_code for p in workshop.participants.all()}
    assert f"{codes['Nguyễn Thị Hoa'][:5]}-{codes['Nguyễn Thị Hoa'][5:]}" in pages[1]
    assert codes["Nguyễn Thị Hoa"][:5] not in pages[0]


def test_the_progress_page_refreshes_itself_while_the_pack_is_built(workshop, people, facilitator_client, settings):
    complete(people[0])
    certification.workshop_certify(workshop=workshop)
    settings.TASKS = {**settings.TASKS, "workbooks": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    url = f"/en/workshops/{workshop.pk}/certificates/pack/"
    for _refresh in range(3):
        page = facilitator_client.get(url)
        assert page.status_code == 202
        body = page.content.decode()
        assert '<meta http-equiv="refresh" content="3">' in body and "0 of 1 laid out" in body
    assert DBTaskResult.objects.count() == 1  # queued once, however often the page is refreshed
    assert facilitator_client.get(f"/en/workshops/{workshop.pk}/certificates/pack.pdf").status_code == 302
    # The worker builds it: the page then offers the file.
    certification.pack_build(workshop.pk)
    page = facilitator_client.get(url)
    assert page.status_code == 200 and "refresh" not in page.content.decode()


def test_the_sheets_are_built_in_the_background_with_their_progress_shown(short_workshop, settings, tmp_path):
    workshop = short_workshop
    facilitator_client = Client()
    facilitator_client.force_login(make_institute_member("facilitators", SECOND_INSTITUTE))
    add_people(workshop, NAMES[:2])
    documents.workshop_files_delete(workshop.pk)
    settings.TASKS = {**settings.TASKS, "workbooks": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    download = f"/en/workshops/{workshop.pk}/sheets.pdf"
    progress = f"/en/workshops/{workshop.pk}/sheets/"
    sheets = workshop.sessions.count() + len(documents.workshop_quizzes(workshop))
    response = facilitator_client.get(download)  # not built yet: the request does not lay it out
    assert response.status_code == 302 and response["Location"] == progress
    for _refresh in range(3):
        page = facilitator_client.get(progress)
        body = page.content.decode()
        assert page.status_code == 202 and '<meta http-equiv="refresh" content="3">' in body
        assert f"Preparing the sheets: 0 of {sheets} laid out." in body
    assert DBTaskResult.objects.count() == 1  # queued once, however often the page is refreshed
    # The worker builds it, sheet by sheet: the page then offers the file, which the download reads.
    path = documents.sheets_build(workshop.pk)
    pack = SheetsPack.objects.get(workshop=workshop)
    assert (pack.done, pack.total, pack.path, pack.failed) == (sheets, sheets, path, False)
    page = facilitator_client.get(progress)
    assert page.status_code == 200 and "The sign-in and results sheets are ready." in page.content.decode()
    response = facilitator_client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf == pdf_storage().open(path).read()
    assert "Sign-in sheet: session 1" in pdf_text(pdf, tmp_path)
    # A participant added since: the stored pack is out of date, and a new build is queued.
    add_people(workshop, ["Walk-in Wanjiru"])
    assert facilitator_client.get(download).status_code == 302
    assert DBTaskResult.objects.count() == 2


def test_another_institute_never_reaches_a_workshops_certificates(workshop, people):
    complete(people[0])
    other = Client()
    other.force_login(make_institute_member("moderators", SECOND_INSTITUTE))
    for language in shipped_language_codes():
        assert other.post(f"/{language}/workshops/{workshop.pk}/certificates/").status_code == 404
        assert other.get(f"/{language}/workshops/{workshop.pk}/certificates/pack/").status_code == 404
        assert other.get(f"/{language}/workshops/{workshop.pk}/certificates/pack.pdf").status_code == 404
    assert not Certificate.objects.filter(course_key=workshop.course_key).exists()


def test_the_documents_panel_links_the_pdfs_and_posts_certify(workshop, facilitator, rf):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = facilitator
    html = render_to_string("lms/workshops/includes/documents.html", {"workshop": workshop}, request=request)
    assert f"/workshops/{workshop.pk}/sheets.pdf" in html
    assert re.search(rf"<form method=\"post\" action=\"/[a-z-]+/workshops/{workshop.pk}/certificates/\">", html)
    assert "csrfmiddlewaretoken" in html


# --- admin report -----------------------------------------------------------------------------------------------


def test_the_institute_report_counts_its_own_workshops_only(workshop, people):
    from curriculum.models import Institute

    complete(people[0])
    complete(people[1])
    certification.workshop_certify(workshop=workshop)
    make_workshop(slug=SECOND_INSTITUTE, course_slug="farmer-led-restoration", title="Sahel field school")
    institute = Institute.objects.get(slug=FIRST_INSTITUTE, locale__language_code="en")
    editor = Client()
    editor.force_login(make_institute_member("editors", FIRST_INSTITUTE))
    page = editor.get(f"/admin/institute-reports/{institute.pk}/").content.decode()
    row = re.search(r"<th scope=\"row\">Five elements intensive</th>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["6", "2", "2"]  # participants, completions, certificates
    assert "Sahel field school" not in page
    other = Institute.objects.get(slug=SECOND_INSTITUTE, locale__language_code="en")
    assert editor.get(f"/admin/institute-reports/{other.pk}/").status_code in (302, 403)


# --- demo -------------------------------------------------------------------------------------------------------


def test_the_demo_workshop_is_made_once_with_every_kind_of_participant(settings):
    from io import StringIO

    from django.core.management import call_command

    from lms.workshops.models import Attendance, PaperResult, Workshop

    settings.DEBUG = True
    call_command("demo_accounts", stdout=StringIO())
    first, second = StringIO(), StringIO()
    call_command("demo_workshop", stdout=first)
    call_command("demo_workshop", stdout=second)  # a second run changes nothing
    (workshop,) = Workshop.objects.filter(title__contains="cinq éléments")
    assert "facilitator@example.org / landscape-facilitator" in first.getvalue()
    assert "made now" in first.getvalue() and "made now" not in second.getvalue()
    participants = list(workshop.participants.all())
    names = {participant.name for participant in participants}
    assert {"Nguyễn Thị Hoa", "فاطمة الزهراء", "Marie Dubois", "Awa Traoré"} <= names
    assert any(p.has_own_account for p in participants) and any(p.claim_code for p in participants)
    assert Attendance.objects.filter(session__workshop=workshop).count() == 3 * len(participants)
    assert PaperResult.objects.filter(workshop=workshop).count() > len(participants)
    completed = certification.pack_entries(workshop)
    assert 0 < len(completed) < len(participants)  # some met the rule, some did not
    assert re.search(r"with the code [2-9A-Z]{10} ", second.getvalue())
