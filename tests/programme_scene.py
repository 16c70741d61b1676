"""Learning records with figures counted by hand, for the programme report's tests; and a bulk builder of many.

Seven learners in three demo landscapes (one gave none), in the demo's two institutes' courses: the five-element
course (Landscape Learning Institute, elements 1 to 5) and farmer-led restoration (Sahel Restoration Centre, elements
3 and 4). Dated at noon in the middle of months of 2026, so no time zone moves a record into another month.

    learner  landscape  gender  group             language  enrolled (course, month)    completed   certificate
    L1       Mau        woman   farmer            sw        five, Jan                   Feb         Feb
    L2       Mau        man     farmer            en        five, Jan                   Feb         Feb
    L3       Mantaro    woman   community         es        five, Jan                   Feb         Feb, revoked
    L4       Mantaro    woman   ngo               es        five, Jan                   -           -
    L5       Sumatra    man     local_government  id        five, Jan; farmer, Mar      -           -
    L6       -          -       -                 en        farmer, Mar                 Mar         Mar
    L7       Sumatra    woman   farmer            id        farmer, Mar                 -           -

Lesson activity: L1 10 days ago (active in the last 30 and 90 days), L4 60 days ago (90 only), L7 200 days ago
(neither). One workshop of the five-element course, in the Mau landscape, starting in February, with L1 (woman,
farmer), L2 (man, farmer) and a participant without an account (woman, community).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from curriculum.demo.loader import demo_landscape
from curriculum.models import CoursePage, Institute
from lms.certificates.models import Certificate
from lms.progress.models import Enrolment, LessonProgress
from lms.workshops.models import Participant, Workshop

PEOPLE = {
    "L1": ("mau-forest", "woman", "farmer", "sw"),
    "L2": ("mau-forest", "man", "farmer", "en"),
    "L3": ("mantaro", "woman", "community", "es"),
    "L4": ("mantaro", "woman", "ngo", "es"),
    "L5": ("sumatra-peatlands", "man", "local_government", "id"),
    "L6": (None, "", "", "en"),
    "L7": ("sumatra-peatlands", "woman", "farmer", "id"),
}
ENROLMENTS = [  # learner, course, enrolled (month), completed (month or None)
    ("L1", "five", 1, 2),
    ("L2", "five", 1, 2),
    ("L3", "five", 1, 2),
    ("L4", "five", 1, None),
    ("L5", "five", 1, None),
    ("L5", "farmer", 3, None),
    ("L6", "farmer", 3, 3),
    ("L7", "farmer", 3, None),
]
CERTIFICATES = [("L1", "five", 2, False), ("L2", "five", 2, False), ("L3", "five", 2, True), ("L6", "farmer", 3, False)]
ACTIVITY = [("L1", "five", 10), ("L4", "five", 60), ("L7", "farmer", 200)]  # days ago


def noon(month: int, day: int = 15) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 12, 0))


@dataclass
class Scene:
    learners: dict
    courses: dict  # "five", "farmer" -> CoursePage
    institutes: dict  # "five", "farmer" -> Institute (owner of that course)
    landscapes: dict  # demo key -> Landscape
    workshop: Workshop


def demo_courses() -> tuple[dict, dict]:
    courses = {
        "five": CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements"),
        "farmer": CoursePage.objects.get(locale__language_code="en", slug="farmer-led-restoration"),
    }
    institutes = {
        name: Institute.objects.get(translation_key=course.institute.translation_key, locale__language_code="en")
        for name, course in courses.items()
    }
    return courses, institutes


def certificate(learner, course, issued: datetime.datetime, *, revoked: bool = False) -> Certificate:
    made = Certificate.objects.create(
        learner=learner,
        course_key=course.translation_key,
        learner_name=learner.certificate_name,
        course_titles={"en": course.title},
        institute_key=course.institute.translation_key,
        hours=10,
        completed_on=issued.date(),
        language="en",
        revoked_at=issued if revoked else None,
    )
    Certificate.objects.filter(pk=made.pk).update(issued_at=issued)  # issued_at is set on creation
    return made


def hand_counted_scene() -> Scene:
    User = get_user_model()
    courses, institutes = demo_courses()
    landscapes = {key: demo_landscape(key) for key in ("mau-forest", "mantaro", "sumatra-peatlands")}
    learners = {}
    for name, (landscape, gender, group, language) in PEOPLE.items():
        learners[name] = User.objects.create_user(
            f"{name.lower()}@example.org",
            f"{name.lower()}@example.org",
            None,
            display_name=name,
            landscape=landscapes.get(landscape),
            gender=gender,
            stakeholder_group=group,
            preferred_language=language,
        )
    for name, course, enrolled, completed in ENROLMENTS:
        enrolment = Enrolment.objects.create(
            learner=learners[name],
            course_key=courses[course].translation_key,
            completed_at=noon(completed) if completed else None,
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=noon(enrolled))
    for name, course, month, revoked in CERTIFICATES:
        certificate(learners[name], courses[course], noon(month), revoked=revoked)
    for name, course, days_ago in ACTIVITY:
        record = LessonProgress.objects.create(
            learner=learners[name], course_key=courses[course].translation_key, lesson_key=uuid.uuid4()
        )
        LessonProgress.objects.filter(pk=record.pk).update(started_at=timezone.now() - datetime.timedelta(days_ago))
    workshop = Workshop.objects.create(
        institute_key=institutes["five"].translation_key,
        course_key=courses["five"].translation_key,
        title="Mau workshop",
        language="sw",
        place="Narok, Kenya",
        landscape=landscapes["mau-forest"],
        starts_on=datetime.date(2026, 2, 10),
        ends_on=datetime.date(2026, 2, 12),
    )
    held = User.objects.create_user("held-participant", None, None, is_active=False)
    for learner, gender, group in (
        (learners["L1"], "woman", "farmer"),
        (learners["L2"], "man", "farmer"),
        (held, "woman", "community"),
    ):
        Participant.objects.create(
            workshop=workshop, learner=learner, name=learner.certificate_name, gender=gender, stakeholder_group=group
        )
    return Scene(learners, courses, institutes, landscapes, workshop)


def bulk_records(count: int, *, start: int = 0, lessons: int = 1) -> None:
    """`count` more enrolments, written with bulk_create: `count` / 2 learners enrolled in both demo courses, every
    third one completed and certified, `lessons` lesson records per enrolment, in landscapes, groups and months that
    vary."""
    User = get_user_model()
    courses, institutes = demo_courses()
    landscapes = [demo_landscape(key) for key in ("mau-forest", "mantaro", "sumatra-peatlands")]
    people = count // 2
    users = User.objects.bulk_create(
        [
            User(
                username=f"bulk-{start + index}@example.org",
                email=f"bulk-{start + index}@example.org",
                password="!",
                landscape=landscapes[index % 3],
                gender=("woman", "man", "")[index % 3],
                stakeholder_group=("farmer", "ngo", "business", "")[index % 4],
                preferred_language=settings.LANGUAGES[index % len(settings.LANGUAGES)][0],
            )
            for index in range(people)
        ],
        batch_size=1000,
    )
    if users[0].pk is None:  # a database that does not return keys from bulk_create
        users = list(User.objects.filter(username__startswith="bulk-").order_by("pk"))[-people:]
    enrolments, records, certificates = [], [], []
    for index, user in enumerate(users):
        for course in courses.values():
            done = index % 3 == 0
            enrolments.append(
                Enrolment(
                    learner=user, course_key=course.translation_key, completed_at=noon(1 + index % 12) if done else None
                )
            )
            records.extend(
                LessonProgress(learner=user, course_key=course.translation_key, lesson_key=uuid.uuid4())
                for _lesson in range(lessons)
            )
            if done:
                certificates.append(
                    Certificate(
                        learner=user,
                        course_key=course.translation_key,
                        learner_name="Bulk",
                        course_titles={"en": course.title},
                        institute_key=course.institute.translation_key,
                        hours=10,
                        completed_on=datetime.date(2026, 1 + index % 12, 15),
                        language="en",
                    )
                )
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    LessonProgress.objects.bulk_create(records, batch_size=2000)
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    workshop = Workshop.objects.create(
        institute_key=institutes["five"].translation_key,
        course_key=courses["five"].translation_key,
        title=f"Bulk workshop {start}",
        language="en",
        place="Somewhere",
        landscape=landscapes[start % 3],
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 2),
    )
    Participant.objects.bulk_create(
        [Participant(workshop=workshop, learner=user, name="Bulk", gender="woman") for user in users[:200]]
    )
