"""Reads of workshops. A workshop belongs to an institute: its facilitators, editors and moderators (and site
administrators) see it; for anyone else it does not exist (404, never 403, so its existence does not leak)."""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from wagtail.models import Page

from curriculum.models import QuizPage
from curriculum.permissions import WORKSHOP_ROLES, institute_keys_of
from curriculum.selectors.languages import content_languages, live_page, pages_in_language
from curriculum.selectors.structure import course_structures
from curriculum.typography import typeset_plain_text
from lms.certificates.models import Certificate
from lms.progress.models import LessonProgress
from lms.progress.selectors import CourseProgress, LessonState, element_progress
from lms.quizzes.models import QuizAttempt
from lms.workshops import rules
from lms.workshops.models import Attendance, AttendanceStatus, PaperResult, Participant, Workshop, WorkshopSession


def workshops_of(user):
    """The workshops this user may see and run."""
    if not user.is_authenticated:
        return Workshop.objects.none()
    return Workshop.objects.filter(institute_key__in=institute_keys_of(user, WORKSHOP_ROLES))


def workshop_of(user, pk) -> Workshop:
    """One of the user's workshops, or 404."""
    return get_object_or_404(workshops_of(user), pk=pk)


def may_run_workshops(user) -> bool:
    """Whether the user is staff of any institute (or a site administrator): the "Workshops" link is theirs."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_may_run_workshops", None)
    if cached is None:
        cached = user._may_run_workshops = user.is_superuser or bool(institute_keys_of(user, WORKSHOP_ROLES))
    return cached


def participant_of(workshop: Workshop, pk) -> Participant:
    return get_object_or_404(workshop.participants, pk=pk)


# -- the workshop's course, in the facilitator's language ------------------------------------------------------------


@dataclass
class ItemChoice:
    key: uuid.UUID
    title: str
    is_quiz: bool


@dataclass
class ModuleChoices:
    title: str
    items: list[ItemChoice]


def course_items(course_key: uuid.UUID, language_code: str) -> list[ModuleChoices]:
    """The course's lessons and quizzes grouped by module, titled in the visitor's language tree (a translation or
    the source shown in its place), keyed by translation_key; the order and the set are the source tree's."""
    structure = course_structures([course_key]).get(course_key)
    if structure is None:
        return []
    keys = [*(module.key for module in structure.modules), *structure.item_keys]
    pages = pages_in_language(Page, keys, language_code)
    missing = [key for key in keys if key not in pages]
    if missing:  # not in that language's tree at all: the source's titles
        pages.update(pages_in_language(Page, missing, settings.LANGUAGE_CODE))
    quizzes = set(structure.quiz_keys)

    def items(keys):
        return [ItemChoice(key, pages[key].title if key in pages else str(key), key in quizzes) for key in keys]

    groups = [
        ModuleChoices(pages[module.key].title if module.key in pages else "", items(module.item_keys))
        for module in structure.modules
    ]
    if structure.final_item_keys:
        groups.append(ModuleChoices(str(_("The whole course")), items(structure.final_item_keys)))
    return groups


def course_titles(course_keys, language_code: str) -> dict[uuid.UUID, tuple[str, str]]:
    """Each course's title as the language's site shows it, and the language it is written in (its source's while
    the course is not translated), so that the page marks it with that language."""
    pages = pages_in_language(Page, set(course_keys), language_code)
    languages = content_languages(pages.values())
    return {key: (page.title, languages[page.pk]) for key, page in pages.items()}


def workshop_quiz(workshop: Workshop, quiz_key: uuid.UUID) -> QuizPage | None:
    """The quiz of the workshop's course as the workshop used it: in the workshop's language, or its source when that
    language shows the source (an alias); None if the course has no such quiz."""
    if quiz_key not in rules.workshop_quiz_keys(workshop):
        return None
    quiz = live_page(QuizPage, quiz_key, workshop.language)
    if quiz is not None and quiz.alias_of_id:
        quiz = QuizPage.objects.filter(pk=quiz.alias_of_id).first() or quiz
    return quiz


def quiz_day(workshop: Workshop, quiz_key: uuid.UUID):
    """The day the quiz was taken: the first session covering it, else the workshop's first day."""
    days = [session.date for session in workshop.sessions.all() if str(quiz_key) in session.item_keys]
    return min(days) if days else workshop.starts_on


# -- the follow-up grid: the screen and both exports read these rows ------------------------------------------------


@dataclass
class Column:
    kind: str  # "session", "lesson", "quiz"
    key: str  # the session's number, or the item's translation_key
    label: str


@dataclass
class GridRow:
    participant: Participant
    cells: list[str]  # one per column, as shown and exported
    completion: rules.Completion


@dataclass
class Grid:
    workshop: Workshop
    columns: list[Column]
    rows: list[GridRow]
    elements: list

    DETAIL_HEADERS = ("name", "organisation", "stakeholder_group", "gender", "has_own_account")

    def detail_labels(self) -> list[str]:
        fields = {field.name: field for field in Participant._meta.get_fields() if hasattr(field, "verbose_name")}
        return [str(fields[name].verbose_name).capitalize() for name in self.DETAIL_HEADERS]

    @staticmethod
    def details(participant: Participant) -> list[str]:
        return [
            participant.name,
            participant.organisation,
            str(participant.get_stakeholder_group_display()),
            str(participant.get_gender_display()) if participant.gender else "",
            str(_("Yes") if participant.has_own_account else _("No")),
        ]

    def header(self) -> list[str]:
        """The export's first line: the screen's column headings."""
        return [*self.detail_labels(), *(column.label for column in self.columns), str(_("Completion rule met"))]

    def lines(self) -> list[list[str]]:
        """Every participant's line, as the screen shows it."""
        return [
            [*self.details(row.participant), *row.cells, str(_("Yes") if row.completion.is_met else _("No"))]
            for row in self.rows
        ]

    @property
    def completed_count(self) -> int:
        return sum(1 for row in self.rows if row.completion.is_met)


def _item_label(page: Page | None, key, language_code: str) -> str:
    """A lesson's or quiz's column heading: its title, typeset as the page shows it (the exports hold the same),
    when written in the workshop's language (not an alias still showing its source's text)."""
    if page is None:
        return str(key)
    return typeset_plain_text(page.title, None if page.alias_of_id else language_code)


def _score_text(score) -> str:
    return f"{round(float(score))}%"


def workshop_grid(workshop: Workshop, language_code: str) -> Grid:
    """Participants x sessions, lessons and quizzes, each participant's standing against the completion rule, and
    the group's progress per ILM element: a fixed number of queries, whatever the number of participants."""
    participants = list(workshop.participants.order_by("name", "pk"))
    sessions = list(workshop.sessions.order_by("number"))
    structure = course_structures([workshop.course_key]).get(workshop.course_key)
    item_keys = structure.item_keys if structure else []
    quiz_keys = set(structure.quiz_keys) if structure else set()
    pages = pages_in_language(Page, item_keys, language_code)

    columns = [
        Column("session", str(session.number), str(_("Session %(number)d") % {"number": session.number}))
        for session in sessions
    ]
    columns += [
        Column("quiz" if key in quiz_keys else "lesson", str(key), _item_label(pages.get(key), key, language_code))
        for key in item_keys
    ]

    status_labels = {value: str(label) for value, label in AttendanceStatus.choices}
    attendance = {
        (participant_id, session_id): status
        for participant_id, session_id, status in Attendance.objects.filter(
            session__workshop=workshop, participant__in=participants
        ).values_list("participant_id", "session_id", "status")
    }
    learner_ids = [participant.learner_id for participant in participants]
    records: dict[int, dict] = defaultdict(dict)
    for record in LessonProgress.objects.filter(learner_id__in=learner_ids, course_key=workshop.course_key):
        records[record.learner_id][record.lesson_key] = record
    best: dict[tuple, float] = {}
    for learner_id, quiz_key, score in QuizAttempt.objects.filter(
        learner_id__in=learner_ids, quiz_key__in=list(quiz_keys), submitted_at__isnull=False
    ).values_list("learner_id", "quiz_key", "score"):
        best[learner_id, quiz_key] = max(best.get((learner_id, quiz_key), 0), float(score))
    completions = rules.workshop_completions(workshop, participants)

    rows, progresses = [], []
    for participant in participants:
        progress = CourseProgress(structure=structure, enrolment=None, records=records[participant.learner_id])
        if structure:
            progresses.append(progress)
        cells = [status_labels.get(attendance.get((participant.pk, session.pk)), "—") for session in sessions]
        for key in item_keys:
            if key in quiz_keys:
                score = best.get((participant.learner_id, key))
                cells.append("—" if score is None else _score_text(score))
            else:
                cells.append("✓" if progress.state(key) is LessonState.COMPLETE else "")
        rows.append(GridRow(participant, cells, completions[participant.pk]))
    return Grid(workshop, columns, rows, element_progress(progresses, language_code))


# -- what a learner sees of their own workshops ------------------------------------------------------------------------


@dataclass
class MyWorkshop:
    workshop: Workshop
    attendance: list[tuple[WorkshopSession, str]]  # every session, with this learner's status label
    paper_results: list[tuple[PaperResult, str]]  # with the quiz's title


def workshops_attended(learner, language_code: str) -> list[MyWorkshop]:
    """The learner's workshops with their own attendance and paper results: nothing of the other participants."""
    participations = list(
        Participant.objects.filter(learner=learner).select_related("workshop").order_by("-workshop__starts_on")
    )
    if not participations:
        return []
    workshop_ids = [participation.workshop_id for participation in participations]
    sessions = defaultdict(list)
    for session in WorkshopSession.objects.filter(workshop_id__in=workshop_ids).order_by("number"):
        sessions[session.workshop_id].append(session)
    statuses = dict(Attendance.objects.filter(participant__in=participations).values_list("session_id", "status"))
    labels = dict(AttendanceStatus.choices)
    results = defaultdict(list)
    paper = list(PaperResult.objects.filter(participant__in=participations).select_related("attempt", "entered_by"))
    titles = pages_in_language(QuizPage, {result.quiz_key for result in paper}, language_code)
    for result in paper:
        title = titles[result.quiz_key].title if result.quiz_key in titles else ""
        results[result.participant_id].append((result, title))
    return [
        MyWorkshop(
            workshop=participation.workshop,
            attendance=[
                (session, labels.get(statuses.get(session.pk), _("Not recorded")))
                for session in sessions[participation.workshop_id]
            ],
            paper_results=results[participation.pk],
        )
        for participation in participations
    ]


# -- the institute's report ------------------------------------------------------------------------------------------


@dataclass
class WorkshopFigures:
    workshop: Workshop
    participants: int
    completions: int
    certificates: int


def workshop_figures(institute_key, limit: int = 50) -> list[WorkshopFigures]:
    """An institute's latest workshops with their participants, completions (by the workshop's own rule) and valid
    certificates of its course, for the institute's report. Only that institute's workshops: the caller has checked
    the viewer is its staff."""
    workshops = list(Workshop.objects.filter(institute_key=institute_key).prefetch_related("participants")[:limit])
    learners = {participant.learner_id for workshop in workshops for participant in workshop.participants.all()}
    certified = set(
        Certificate.objects.filter(learner_id__in=learners, revoked_at__isnull=True).values_list(
            "learner_id", "course_key"
        )
    )
    figures = []
    for workshop in workshops:
        participants = list(workshop.participants.all())
        completions = rules.workshop_completions(workshop, participants)
        figures.append(
            WorkshopFigures(
                workshop=workshop,
                participants=len(participants),
                completions=sum(1 for completion in completions.values() if completion.is_met),
                certificates=sum(1 for p in participants if (p.learner_id, workshop.course_key) in certified),
            )
        )
    return figures
