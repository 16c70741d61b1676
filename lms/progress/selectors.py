"""Reads of learning records, joined to the live curriculum in the visitor's language.

Percentages count the lessons of a course's source-language tree (curriculum.selectors.structure), so a
partly translated course shows the true total, and a lesson unpublished or deleted stops counting while its record
is kept. Every function here costs a fixed number of queries, whatever the number of courses or lessons.
"""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from curriculum.models import CoursePage
from curriculum.selectors.elements import elements_in_locale
from curriculum.selectors.languages import pages_in_language
from curriculum.selectors.structure import CourseStructure, course_structures
from lms.progress.models import Enrolment, LessonProgress


class LessonState(StrEnum):
    NOT_STARTED = "not_started"
    STARTED = "started"
    COMPLETE = "complete"

    @property
    def label(self):
        return {
            LessonState.NOT_STARTED: _("Not started"),
            LessonState.STARTED: _("Started"),
            LessonState.COMPLETE: _("Complete"),
        }[self]

    @property
    def icon(self):
        return {LessonState.NOT_STARTED: "○", LessonState.STARTED: "◐", LessonState.COMPLETE: "✓"}[self]


def _percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


@dataclass
class CourseProgress:
    structure: CourseStructure
    enrolment: Enrolment | None
    records: dict[uuid.UUID, LessonProgress] = field(default_factory=dict)

    def state(self, lesson_key: uuid.UUID) -> LessonState:
        record = self.records.get(lesson_key)
        if record is None:
            return LessonState.NOT_STARTED
        return LessonState.COMPLETE if record.completed_at else LessonState.STARTED

    @property
    def completed(self) -> int:
        return sum(1 for key in self.structure.item_keys if self.state(key) is LessonState.COMPLETE)

    @property
    def total(self) -> int:
        return len(self.structure.item_keys)

    @property
    def percent(self) -> int:
        return 100 if self.is_complete else _percent(self.completed, self.total)

    @property
    def has_done_every_item(self) -> bool:
        """Every lesson and quiz of the course is done in these records."""
        return self.total > 0 and self.completed == self.total

    @property
    def is_complete(self) -> bool:
        """The course is complete: every item done, or the enrolment completed another way (a workshop's rule of
        sessions attended and quizzes passed on paper, lms.workshops.certification), which a certificate records
        even when lessons the sessions did not cover were never opened online."""
        return self.has_done_every_item or (self.enrolment is not None and self.enrolment.completed_at is not None)

    @property
    def is_enrolled(self) -> bool:
        return self.enrolment is not None and self.enrolment.is_active

    @property
    def has_started(self) -> bool:
        return any(key in self.records for key in self.structure.item_keys)

    @cached_property
    def module_percents(self) -> dict[str, int]:
        """Each module's percentage complete, by module key: counted once per page, however many modules it shows
        (read after the visit's records are in, never before)."""
        return {
            str(module.key): _percent(
                sum(1 for key in module.item_keys if self.state(key) is LessonState.COMPLETE), len(module.item_keys)
            )
            for module in self.structure.modules
        }

    @property
    def resume_lesson_key(self) -> uuid.UUID | None:
        """Where the learner left off: the lesson last opened and not finished, else the first not finished."""
        unfinished = [self.records[key] for key in self.structure.item_keys if self.state(key) is LessonState.STARTED]
        if unfinished:
            return max(unfinished, key=lambda record: record.started_at).lesson_key
        return next((key for key in self.structure.item_keys if self.state(key) is not LessonState.COMPLETE), None)


def next_item(progress: CourseProgress, item_key: uuid.UUID, language_code: str) -> Page | None:
    """The lesson or quiz after `item_key` in the course, live in `language_code` (or its source's), or None."""
    keys = progress.structure.item_keys
    after = keys[keys.index(item_key) + 1 :] if item_key in keys else keys
    pages = pages_in_language(Page, after, language_code)
    return next((pages[key] for key in after if key in pages), None)


def course_progress(*, learner, course: CoursePage) -> CourseProgress | None:
    structure = course_structures([course.translation_key]).get(course.translation_key)
    if structure is None:
        return None
    enrolment = Enrolment.objects.filter(learner=learner, course_key=course.translation_key).first()
    records = {
        record.lesson_key: record
        for record in LessonProgress.objects.filter(learner=learner, course_key=course.translation_key)
    }
    return CourseProgress(structure=structure, enrolment=enrolment, records=records)


@dataclass
class DashboardCourse:
    course: CoursePage
    progress: CourseProgress
    resume_lesson: Page | None  # a lesson or a quiz


@dataclass
class ElementProgress:
    element: object
    completed: int
    total: int

    @property
    def percent(self) -> int:
        return _percent(self.completed, self.total)


@dataclass
class Dashboard:
    current: list[DashboardCourse]
    completed: list[DashboardCourse]
    left: list[DashboardCourse]
    elements: list[ElementProgress]

    @property
    def is_empty(self) -> bool:
        return not (self.current or self.completed or self.left)


def dashboard(*, learner, language_code: str) -> Dashboard:
    """The learner's courses with progress and where to resume, and progress per ILM element across them all."""
    enrolments = {enrolment.course_key: enrolment for enrolment in Enrolment.objects.filter(learner=learner)}
    structures = course_structures(enrolments)
    courses = pages_in_language(CoursePage, structures, language_code)
    records_by_course: dict[uuid.UUID, dict] = {key: {} for key in structures}
    for record in LessonProgress.objects.filter(learner=learner, course_key__in=list(structures)):
        records_by_course[record.course_key][record.lesson_key] = record
    progress_by_course = {
        key: CourseProgress(structure=structure, enrolment=enrolments[key], records=records_by_course[key])
        for key, structure in structures.items()
        if key in courses
    }
    resume_keys = {progress.resume_lesson_key for progress in progress_by_course.values()} - {None}
    resume_lessons = pages_in_language(Page, resume_keys, language_code)

    current, completed, left = [], [], []
    for key, progress in progress_by_course.items():
        item = DashboardCourse(courses[key], progress, resume_lessons.get(progress.resume_lesson_key))
        if progress.is_complete:
            completed.append(item)
        elif progress.is_enrolled:
            current.append(item)
        else:
            left.append(item)
    for items in (current, completed, left):
        items.sort(key=lambda item: item.progress.enrolment.enrolled_at, reverse=True)

    locale = next(iter(courses.values())).locale if courses else None
    return Dashboard(current, completed, left, _element_progress(progress_by_course.values(), locale, language_code))


def element_progress(progresses, language_code: str) -> list[ElementProgress]:
    """Progress per ILM element summed over many course progresses (one learner's courses, or a group's)."""
    return _element_progress(progresses, None, language_code)


def _element_progress(progresses, locale, language_code: str) -> list[ElementProgress]:
    from wagtail.models import Locale

    locale = locale or Locale.objects.filter(language_code=language_code).first() or Locale.get_default()
    totals = {number: [0, 0] for number in range(1, 6)}
    for progress in progresses:
        for module in progress.structure.modules:
            done = sum(1 for key in module.item_keys if progress.state(key) is LessonState.COMPLETE)
            for number in module.element_numbers:
                totals[number][0] += done
                totals[number][1] += len(module.item_keys)
    return [
        ElementProgress(element=element, completed=totals[element.number][0], total=totals[element.number][1])
        for element in elements_in_locale(locale)
    ]
