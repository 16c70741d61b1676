"""Writes of learning records. Unique constraints make every write safe to repeat and to race."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from curriculum.models import CoursePage
from curriculum.selectors import course_of, course_structures
from lms.certificates.services import certificate_issue
from lms.progress.models import Enrolment, LessonProgress


def _get_or_create(model, **lookup):
    """get_or_create that survives a concurrent insert of the same row (the constraint wins, we read it back)."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**lookup)
    except IntegrityError:
        return model.objects.get(**{key: value for key, value in lookup.items() if key != "defaults"}), False


def enrolment_create(*, learner, course: CoursePage) -> Enrolment:
    """Enrol, or resume a course the learner had left. Enrolling twice changes nothing."""
    enrolment, _created = _get_or_create(Enrolment, learner=learner, course_key=course.translation_key)
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
    progress, _created = _get_or_create(
        LessonProgress,
        learner=learner,
        lesson_key=lesson.translation_key,
        defaults={"course_key": course.translation_key},
    )
    return progress


def item_complete(*, learner, item: Page) -> LessonProgress:
    """Mark a lesson complete (or a quiz passed), enrolling the learner first if needed. Repeating it is harmless."""
    course = course_of(item)
    enrolment_create(learner=learner, course=course)
    progress = lesson_start(learner=learner, lesson=item, course=course)
    if progress.completed_at is None:
        LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(completed_at=timezone.now())
        progress.refresh_from_db()
        if course_is_complete(learner=learner, course=course):
            course_complete(learner=learner, course=course, language=item.locale.language_code)
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


def course_complete(*, learner, course: CoursePage, language: str) -> None:
    """Every lesson done and every quiz passed: the enrolment is complete and the certificate issued, once."""
    Enrolment.objects.filter(learner=learner, course_key=course.translation_key, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    certificate_issue(learner=learner, course=course, language=language)
