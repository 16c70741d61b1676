"""The demo's workshop: the five-element course run in Ségou by the Landscape Learning Institute's facilitator, with
participants with and without accounts (names in Latin, Vietnamese and Arabic script), attendance and paper results.
Made with the same services as real workshops; `manage.py demo_workshop` runs it (and changes nothing the second
time)."""

import datetime

from django.contrib.auth import get_user_model

from curriculum.demo.loader import demo_landscape
from curriculum.models import CoursePage, Institute, QuizPage
from lms.quizzes import services as quizzes
from lms.workshops.certification import workshop_certify
from lms.workshops.documents import workshop_quizzes
from lms.workshops.models import Attendance, AttendanceStatus, PaperResult, Workshop, WorkshopSession
from lms.workshops.services import participant_add

TITLE = "Atelier des cinq éléments, Ségou"
FACILITATOR = "facilitator@example.org"
LEARNER = "learner@example.org"
# name, organisation, stakeholder group, gender, attendance of sessions 1-3, quizzes passed on paper (None: all)
PEOPLE = [
    ("Marie Dubois", "Coopérative rizicole de Markala", "farmer", "woman", "PPP", None),
    ("John Okello", "District Water Office", "local_government", "man", "PLP", None),
    ("Nguyễn Thị Hoa", "Green Delta NGO", "ngo", "woman", "PPE", None),
    ("Trần Văn Minh", "Mekong Research Centre", "research", "man", "PAP", 2),
    ("فاطمة الزهراء", "Association des femmes maraîchères", "community", "woman", "PPP", None),
    ("محمد عبد الله", "Sahel Agro SARL", "business", "undisclosed", "LPA", 1),
    ("Aïcha Koné", "Mairie de Ségou", "local_government", "woman", "EAA", 0),
]
STATUS = {"P": AttendanceStatus.PRESENT, "L": AttendanceStatus.LATE, "E": AttendanceStatus.EXCUSED}


def right_answers(quiz: QuizPage) -> dict[str, list[str]]:
    """What someone who got every question right ticked or wrote, as each question block says (right_submission)."""
    return {question.id: question.block.right_submission(question.value) for question in quiz.questions}


def _paper(participant, quiz: QuizPage, facilitator) -> None:
    if PaperResult.objects.filter(participant=participant, quiz_key=quiz.translation_key).exists():
        return
    attempt = quizzes.attempt_start(learner=participant.learner, quiz=quiz)
    result = quizzes.attempt_submit(attempt=attempt, submitted=right_answers(quiz), quiz=quiz)
    PaperResult.objects.create(
        workshop=participant.workshop,
        participant=participant,
        quiz_key=quiz.translation_key,
        attempt=result.attempt,
        entered_by=facilitator,
    )


def demo_workshop_create() -> tuple[Workshop, bool]:
    """The demo workshop, made if missing: (workshop, created)."""
    institute = Institute.objects.get(slug="landscape-learning-institute", locale__language_code="en")
    existing = Workshop.objects.filter(institute_key=institute.translation_key, title=TITLE).first()
    if existing:
        return existing, False
    User = get_user_model()
    facilitator = User.objects.get(username=FACILITATOR)
    course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    workshop = Workshop.objects.create(
        institute_key=institute.translation_key,
        course_key=course.translation_key,
        title=TITLE,
        language="fr",
        place="Ségou, Mali",
        landscape=demo_landscape("inner-niger-delta"),
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 4),
        sessions_required=2,
        created_by=facilitator,
    )
    sessions = [
        WorkshopSession.objects.create(
            workshop=workshop,
            number=number,
            date=workshop.starts_on + datetime.timedelta(days=number - 1),
            starts_at=datetime.time(9, 0),
            duration_minutes=240,
        )
        for number in (1, 2, 3)
    ]
    quiz_pages = workshop_quizzes(workshop)
    learner = User.objects.filter(username=LEARNER).first()
    people = list(PEOPLE)
    if learner:
        people.insert(0, (learner.certificate_name, "Landscape Learning Institute", "ngo", "woman", "PPP", 1))
    for name, organisation, group, gender, attendance, passed in people:
        participant = participant_add(
            workshop=workshop,
            name=name,
            learner=learner if learner and name == learner.certificate_name else None,
            added_by=facilitator,
            organisation=organisation,
            stakeholder_group=group,
            gender=gender,
        )
        for session, mark in zip(sessions, attendance, strict=True):
            status = STATUS.get(mark, AttendanceStatus.ABSENT)
            Attendance.objects.create(session=session, participant=participant, status=status, recorded_by=facilitator)
        for quiz in quiz_pages[: len(quiz_pages) if passed is None else passed]:
            _paper(participant, quiz, facilitator)
    workshop_certify(workshop=workshop)
    return workshop, True
