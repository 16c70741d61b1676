"""A workshop of the demo's five-element course, made with the models and services (not through any view): sessions,
participants with and without accounts (names in several scripts), attendance and paper quiz results."""

import datetime
import subprocess
from pathlib import Path

from django.contrib.auth import get_user_model

from curriculum.models import CoursePage, Institute, QuizPage
from lms.quizzes import services as quizzes
from lms.workshops.demo import right_answers
from lms.workshops.documents import workshop_quizzes
from lms.workshops.models import Attendance, AttendanceStatus, PaperResult, Workshop, WorkshopSession
from lms.workshops.services import participant_add

NAMES = ["Marie Dubois", "Nguyễn Thị Hoa", "فاطمة الزهراء", "John Okello", "Trần Văn Minh", "محمد عبد الله"]


def make_workshop(*, slug="landscape-learning-institute", course_slug="ilm-five-elements", language="en", **fields):
    institute = Institute.objects.get(slug=slug, locale__language_code="en")
    course = CoursePage.objects.get(locale__language_code="en", slug=course_slug)
    workshop = Workshop.objects.create(
        institute_key=institute.translation_key,
        course_key=course.translation_key,
        title=fields.pop("title", "Five elements intensive"),
        language=language,
        place=fields.pop("place", "Ségou, Mali"),
        starts_on=fields.pop("starts_on", datetime.date(2026, 3, 2)),
        ends_on=fields.pop("ends_on", datetime.date(2026, 3, 4)),
        sessions_required=fields.pop("sessions_required", 2),
        **fields,
    )
    for number in (1, 2, 3):
        WorkshopSession.objects.create(
            workshop=workshop,
            number=number,
            date=workshop.starts_on + datetime.timedelta(days=number - 1),
            starts_at=datetime.time(9, 0),
        )
    return workshop


def add_people(workshop, names=NAMES, organisation="Cooperative of {}"):
    return [
        participant_add(workshop=workshop, name=name, organisation=organisation.format(index + 1))
        for index, name in enumerate(names)
    ]


def attend(participant, *numbers, status=AttendanceStatus.PRESENT):
    for number in numbers:
        Attendance.objects.update_or_create(
            session=participant.workshop.sessions.get(number=number),
            participant=participant,
            defaults={"status": status},
        )


def paper_result(participant, quiz: QuizPage, answers=None, entered_by=None):
    """A quiz taken on paper, entered for the participant: an ordinary attempt of their account."""
    attempt = quizzes.attempt_start(learner=participant.learner, quiz=quiz)
    result = quizzes.attempt_submit(attempt=attempt, submitted=answers or right_answers(quiz), quiz=quiz)
    assert not result.errors, result.errors
    return PaperResult.objects.create(
        workshop=participant.workshop,
        participant=participant,
        quiz_key=quiz.translation_key,
        attempt=result.attempt,
        entered_by=entered_by,
    )


def complete(participant):
    """Meets the rule: two sessions attended and every quiz passed on paper."""
    attend(participant, 1, 2)
    for quiz in workshop_quizzes(participant.workshop):
        paper_result(participant, quiz)


def pdf_text(pdf: bytes, tmp_path: Path, name="doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def qr_codes(pdf: bytes, tmp_path: Path, *, first=1, last=None, resolution=150) -> list[str]:
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    command = ["pdftoppm", "-png", "-r", str(resolution), "-f", str(first)]
    if last:
        command += ["-l", str(last)]
    subprocess.run([*command, str(path), str(tmp_path / "qr-page")], check=True)
    found = []
    for page in sorted(tmp_path.glob("qr-page*.png")):
        output = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True, text=True).stdout
        found += [line for line in output.splitlines() if line]
    return found


def learner_account(email="hoa@example.org", name="Hoa Nguyen"):
    return get_user_model().objects.create_user(email, email, "pw-hoa-2045", display_name=name)
