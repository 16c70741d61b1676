"""Writes of learning records. Unique constraints make every write safe to repeat and to race."""

import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import OuterRef
from django.utils import timezone
from wagtail.models import Page

from curriculum.models import CoursePage, LessonPage
from curriculum.selectors.languages import live_page
from curriculum.selectors.structure import course_structures
from curriculum.selectors.tree import course_of
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue
from lms.progress.models import Enrolment, LessonProgress
from lms.progress.selectors import CourseProgress, course_progress
from lms.records import create_or_read_back
from lms.xapi import statements as xapi

logger = logging.getLogger(__name__)


def enrolment_create(*, learner, course: CoursePage) -> Enrolment:
    """Enrol, or resume a course the learner had left. Enrolling twice changes nothing."""
    with xapi.event_transaction():
        enrolment, created = create_or_read_back(
            Enrolment, unique={"learner": learner, "course_key": course.translation_key}
        )
        if created:
            xapi.record_registered(learner=learner, course=course)
    if enrolment.left_at is not None:
        enrolment.left_at = None
        enrolment.save(update_fields=["left_at"])
    return enrolment


def enrolment_leave(*, learner, course: CoursePage) -> None:
    """Leave a course: it leaves the dashboard's current list, and every record stays for a later return."""
    Enrolment.objects.filter(learner=learner, course_key=course.translation_key, left_at__isnull=True).update(
        left_at=timezone.now()
    )


def lesson_start(*, learner, lesson: Page, course: CoursePage | None = None) -> LessonProgress:
    """Record that a learner opened a lesson (or tried a quiz)."""
    course = course or course_of(lesson)
    progress, _created = create_or_read_back(
        LessonProgress,
        unique={"learner": learner, "lesson_key": lesson.translation_key},
        values={"course_key": course.translation_key},
    )
    return progress


@dataclass
class PageVisit:
    """What a learner's visit to a course, module or lesson page found, after what it recorded."""

    progress: CourseProgress | None  # None: the course counts nothing (no live source tree)
    certificate_pending: bool | None = None  # a course page whose records show it complete: not issued yet?
    certificate: Certificate | None = None  # and the certificate, once issued


def page_visit(*, learner, page: Page, course: Page, start_lesson: bool = True) -> PageVisit:
    """A learner opens a page of a course: opening a lesson of a course they are enrolled in starts it (unless
    `start_lesson` is false), and opening a course their records show complete issues its certificate if that was
    left undone (an editor unpublished the last item left, or the database failed when the learner finished).

    The progress it returns is what the page shows: the records are read once for both.
    """
    progress = course_progress(learner=learner, course=course)
    visit = PageVisit(progress=progress)
    if progress is None:
        return visit
    opens_new_lesson = isinstance(page, LessonPage) and page.translation_key not in progress.records
    if opens_new_lesson and start_lesson and progress.is_enrolled:
        # The learner's records are already loaded, so a lesson already started costs no query.
        progress.records[page.translation_key] = lesson_start(learner=learner, lesson=page, course=course)
    if isinstance(page, CoursePage) and progress.is_complete and progress.enrolment is not None:
        visit.certificate = certificate_ensure(learner=learner, course=page, language=page.locale.language_code)
        visit.certificate_pending = visit.certificate is None
    return visit


def item_complete(*, learner, item: Page) -> LessonProgress:
    """Mark a lesson complete (or a quiz passed), enrolling the learner first if needed. Repeating it is harmless."""
    course = course_of(item)
    enrolment_create(learner=learner, course=course)
    progress = lesson_start(learner=learner, lesson=item, course=course)
    if progress.completed_at is None:
        with xapi.event_transaction():
            marked = LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
                completed_at=timezone.now()
            )
            if marked and isinstance(item, LessonPage):  # a quiz passed tells of itself (lms.quizzes.services)
                xapi.record_completed(learner=learner, page=item, course_key=course.translation_key)
        progress.refresh_from_db()
        if course_is_complete(learner=learner, course=course):
            course_complete_or_defer(learner=learner, course=course, language=item.locale.language_code)
    return progress


def course_is_complete(*, learner, course: CoursePage) -> bool:
    structure = course_structures([course.translation_key]).get(course.translation_key)
    if structure is None or not structure.item_keys:
        return False
    done = set(
        LessonProgress.objects.filter(
            learner=learner, course_key=course.translation_key, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )
    return set(structure.item_keys) <= done


def course_complete(*, learner, course: CoursePage, language: str) -> Certificate:
    """Every lesson done and every quiz passed: the enrolment is complete and the certificate issued, once, in one
    transaction (an enrolment is never marked complete without its certificate)."""
    with transaction.atomic():
        enrolment_mark_completed(learner=learner, course=course)
        return certificate_issue(learner=learner, course=course, language=language)


def enrolment_mark_completed(*, learner, course: CoursePage) -> bool:
    """Mark the learner's enrolment complete (once: False if it was already), in the caller's transaction, which
    issues the certificate."""
    marked = Enrolment.objects.filter(
        learner=learner, course_key=course.translation_key, completed_at__isnull=True
    ).update(completed_at=timezone.now())
    if marked:
        xapi.record_completed(learner=learner, page=course, course_key=course.translation_key)
    return bool(marked)


def course_complete_or_defer(*, learner, course: CoursePage, language: str) -> Certificate | None:
    """course_complete, or None if the database fails: the lesson records stay, and the certificate is issued from
    them on the learner's next visit to the course or their dashboard (or by `manage.py issue_missing_certificates`)."""
    try:
        return course_complete(learner=learner, course=course, language=language)
    except DatabaseError:
        logger.exception(
            "Could not issue the certificate of learner %s for course %s; it is issued on their next visit",
            learner.pk,
            course.translation_key,
        )
        return None


def certificate_ensure(*, learner, course: CoursePage, language: str) -> Certificate | None:
    """The certificate of a course the learner's records show complete: the one issued, or issued now (None if the
    database fails: it is tried again on the next visit)."""
    issued = Certificate.objects.filter(learner=learner, course_key=course.translation_key).first()
    return issued or course_complete_or_defer(learner=learner, course=course, language=language)


def certificates_issue_missing(*, learner=None) -> tuple[int, int]:
    """Issue every certificate due and missing: a course complete by its learner's records (all of them, or one
    learner's) with no certificate. Returns (issued, failed)."""
    enrolments = Enrolment.objects.exclude(
        course_key__in=Certificate.objects.filter(learner=OuterRef("learner")).values("course_key")
    )
    if learner is not None:
        enrolments = enrolments.filter(learner=learner)
    enrolments = list(enrolments.select_related("learner"))
    structures = course_structures({enrolment.course_key for enrolment in enrolments})
    done: dict[tuple, set] = {}
    for record in LessonProgress.objects.filter(
        learner__in={enrolment.learner_id for enrolment in enrolments},
        course_key__in=list(structures),
        completed_at__isnull=False,
    ).values("learner", "course_key", "lesson_key"):
        done.setdefault((record["learner"], record["course_key"]), set()).add(record["lesson_key"])
    issued = failed = 0
    for enrolment in enrolments:
        structure = structures.get(enrolment.course_key)
        if not structure or not structure.item_keys:
            continue
        if not set(structure.item_keys) <= done.get((enrolment.learner_id, enrolment.course_key), set()):
            continue
        # In the learner's language tree, as if they had finished it there.
        course = live_page(CoursePage, enrolment.course_key, enrolment.learner.preferred_language)
        if course is None:
            continue
        if course_complete_or_defer(learner=enrolment.learner, course=course, language=course.locale.language_code):
            issued += 1
        else:
            failed += 1
    return issued, failed
