"""The programme report: how many people were trained, where, in which stakeholder groups, who completed, and on
which of the five elements, for programme managers and donors (and each institute's staff, of their institute).

Every figure is an aggregate query (GROUP BY) over the learning records, so a table costs the same few queries for
ten enrolments or a hundred thousand. The screen, the CSV and the XLSX all print `ReportTable.cells()`: they cannot
disagree (as Kolibri's and Open edX's exports do with their own screens).

People-based figures (learners, enrolments, ...) are broken down by what the learner gave in their profile
(landscape, stakeholder group, gender, language); workshop figures by the workshop (its landscape and language) and
by what the facilitator recorded of each participant.
"""

import datetime
import functools
import operator
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from babel.dates import format_skeleton
from django.conf import settings
from django.db.models import Case, Count, F, Q, UUIDField, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Locale

from curriculum.i18n import country_name, language_name
from curriculum.models import CoursePage, Institute
from curriculum.selectors.elements import elements_in_locale
from curriculum.selectors.landscapes import landscape_names
from curriculum.selectors.languages import pages_in_language
from curriculum.selectors.structure import course_structures
from lms.accounts.models import Gender, StakeholderGroup
from lms.certificates.models import Certificate
from lms.progress.models import Enrolment, LessonProgress
from lms.workshops.models import Participant, Workshop

MEASURES = {
    "learners": gettext_lazy("Learners"),
    "active_30": gettext_lazy("Active, last 30 days"),
    "active_90": gettext_lazy("Active, last 90 days"),
    "enrolments": gettext_lazy("Enrolments"),
    "completions": gettext_lazy("Completions"),
    "certificates": gettext_lazy("Certificates"),
    "workshops": gettext_lazy("Workshops"),
    "participants": gettext_lazy("Workshop participants"),
}
# Counts of people: a count of 1 to 4 in a cell could point at someone ("the one woman farmer of that landscape").
PEOPLE_MEASURES = set(MEASURES) - {"workshops"}
SMALLEST_SHOWN = 5

DIMENSIONS = {
    "landscape": gettext_lazy("Landscape"),
    "country": gettext_lazy("Country"),
    "element": gettext_lazy("ILM element"),
    "course": gettext_lazy("Course"),
    "language": gettext_lazy("Language"),
    "institute": gettext_lazy("Institute"),
    "stakeholder_group": gettext_lazy("Stakeholder group"),
    "gender": gettext_lazy("Gender"),
    "month": gettext_lazy("Month"),
}
ACTIVE_DAYS = {"active_30": 30, "active_90": 90}


@dataclass
class Scope:
    """What the report covers: the institutes the viewer may see (narrowed by the filters), their courses, and the
    period (dates inclusive; None: open)."""

    institute_keys: list[uuid.UUID]
    course_institutes: dict[uuid.UUID, uuid.UUID]  # course translation_key -> institute translation_key
    landscape_key: uuid.UUID | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def course_keys(self) -> list[uuid.UUID]:
        return list(self.course_institutes)

    @property
    def activity_end(self) -> datetime.date:
        """Active learners are counted back from the period's end, or from today."""
        return min(self.end, self.today) if self.end else self.today


def report_scope(institute_keys, *, course_key=None, landscape_key=None, start=None, end=None) -> Scope:
    """The scope over these institutes (the viewer's, narrowed by the filters): one query for their courses."""
    institute_keys = list(institute_keys)
    courses = CoursePage.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE,
        alias_of__isnull=True,
        institute__translation_key__in=institute_keys,
    )
    if course_key is not None:
        courses = courses.filter(translation_key=course_key)
    return Scope(
        institute_keys=institute_keys,
        course_institutes=dict(courses.values_list("translation_key", "institute__translation_key")),
        landscape_key=landscape_key,
        start=start,
        end=end,
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_period(field_name: str, scope: Scope, *, is_date: bool = False) -> Q:
    """The records dated in the period (a datetime field is compared from midnight to midnight, local time)."""
    within = Q()
    if scope.start:
        within &= Q(**{f"{field_name}__gte": scope.start if is_date else _day_start(scope.start)})
    if scope.end:
        end = scope.end + datetime.timedelta(days=1)
        within &= Q(**{f"{field_name}__lt": end if is_date else _day_start(end)})
    return within


# -- sources: one kind of record each, with what it counts and where each breakdown reads ----------------------------


@dataclass
class Source:
    queryset: object
    counts: dict  # measure -> (field counted, distinct?, condition or None)
    course_field: str
    paths: dict  # dimension -> field path, "institute" -> see institute_field; missing: no such breakdown
    institute_field: str | None = None  # None: the institute is the course's (a CASE over the scope's courses)


def _person_paths(person: str, dated: str | None) -> dict:
    paths = {
        "landscape": f"{person}landscape__translation_key",
        "country": f"{person}landscape__country",
        "course": "course_key",
        "language": f"{person}preferred_language",
        "stakeholder_group": f"{person}stakeholder_group",
        "gender": f"{person}gender",
    }
    if dated:
        paths["month"] = dated
    return paths


def _sources(scope: Scope) -> list[Source]:
    landscape = Q(learner__landscape__translation_key=scope.landscape_key) if scope.landscape_key else Q()
    courses = Q(course_key__in=scope.course_keys)
    since = {
        name: _day_start(scope.activity_end - datetime.timedelta(days=days - 1)) for name, days in ACTIVE_DAYS.items()
    }
    until = _day_start(scope.activity_end + datetime.timedelta(days=1))

    def active(name):
        return (Q(started_at__gte=since[name]) | Q(completed_at__gte=since[name])) & (
            Q(started_at__lt=until) | Q(completed_at__lt=until)
        )

    workshop_scope = Q(institute_key__in=scope.institute_keys, course_key__in=scope.course_keys) & _in_period(
        "starts_on", scope, is_date=True
    )
    if scope.landscape_key:
        workshop_scope &= Q(landscape__translation_key=scope.landscape_key)
    workshop_paths = {
        "landscape": "landscape__translation_key",
        "country": "landscape__country",
        "course": "course_key",
        "language": "language",
        "month": "starts_on",
    }
    return [
        Source(
            Enrolment.objects.filter(courses & landscape & _in_period("enrolled_at", scope)),
            {"learners": ("learner", True, None), "enrolments": ("id", False, None)},
            "course_key",
            _person_paths("learner__", "enrolled_at"),
        ),
        Source(
            Enrolment.objects.filter(
                courses & landscape & Q(completed_at__isnull=False) & _in_period("completed_at", scope)
            ),
            {"completions": ("id", False, None)},
            "course_key",
            _person_paths("learner__", "completed_at"),
        ),
        Source(
            LessonProgress.objects.filter(courses & landscape & (active("active_90"))),
            {name: ("learner", True, active(name)) for name in ACTIVE_DAYS},
            "course_key",
            _person_paths("learner__", None),  # "active" is counted back from a day: no month of its own
        ),
        Source(
            Certificate.objects.filter(
                courses & landscape & Q(revoked_at__isnull=True) & _in_period("issued_at", scope)
            ),
            {"certificates": ("id", False, None)},
            "course_key",
            _person_paths("learner__", "issued_at"),
            institute_field="institute_key",
        ),
        Source(
            Workshop.objects.filter(workshop_scope),
            {"workshops": ("id", False, None)},
            "course_key",
            workshop_paths,
            institute_field="institute_key",
        ),
        Source(
            Participant.objects.filter(**{"workshop__in": Workshop.objects.filter(workshop_scope)}),
            {"participants": ("id", False, None)},
            "workshop__course_key",
            {
                **{name: f"workshop__{path}" for name, path in workshop_paths.items()},
                "stakeholder_group": "stakeholder_group",
                "gender": "gender",
            },
            institute_field="workshop__institute_key",
        ),
    ]


def _counts(source: Source, extra: Q | None = None, suffix: str = "") -> dict:
    aggregates = {}
    for name, (counted, distinct, condition) in source.counts.items():
        conditions = [c for c in (condition, extra) if c is not None]
        combined = functools.reduce(operator.and_, conditions) if conditions else None
        aggregates[name + suffix] = Count(counted, distinct=distinct, filter=combined)
    return aggregates


def _group_expression(source: Source, dimension: str, scope: Scope):
    if dimension == "institute":
        if source.institute_field:
            return F(source.institute_field)
        return Case(
            *(
                When(**{source.course_field: course, "then": Value(institute)})
                for course, institute in scope.course_institutes.items()
            ),
            output_field=UUIDField(),
        )
    path = source.paths.get(dimension)
    if path is None:
        return None
    return TruncMonth(path) if dimension == "month" else F(path)


def _month_key(value) -> str | None:
    return f"{value.year:04d}-{value.month:02d}" if value else None


def _element_course_keys(scope: Scope) -> dict[int, set]:
    """Which of the scope's courses cover each element (by its modules): from the cached course structures."""
    covering = defaultdict(set)
    for key, structure in course_structures(scope.course_keys).items():
        for module in structure.modules:
            for number in module.element_numbers:
                covering[number].add(key)
    return covering


def _grouped_figures(scope: Scope, dimension: str) -> tuple[dict, set]:
    """{group key: {measure: count}} and the measures this breakdown has: one aggregate query per kind of record."""
    figures = defaultdict(dict)
    measured = set()
    if not scope.course_keys:
        return figures, measured
    if dimension == "element":
        covering = _element_course_keys(scope)
        for source in _sources(scope):
            aggregates = {}
            for number in range(1, 6):
                within = Q(**{f"{source.course_field}__in": list(covering.get(number, ()))})
                aggregates.update(_counts(source, within, f"__{number}"))
            totals = source.queryset.aggregate(**aggregates)
            measured.update(source.counts)
            for name, value in totals.items():
                measure, number = name.rsplit("__", 1)
                figures[int(number)][measure] = value
        return figures, measured
    for source in _sources(scope):
        expression = _group_expression(source, dimension, scope)
        if expression is None:
            continue
        measured.update(source.counts)
        rows = source.queryset.order_by().values(group=expression).annotate(**_counts(source))
        for row in rows:
            key = _month_key(row["group"]) if dimension == "month" else row["group"]
            for measure in source.counts:
                figures[key][measure] = figures[key].get(measure, 0) + row[measure]
    return figures, measured


def _totals(scope: Scope) -> dict:
    totals = dict.fromkeys(MEASURES, 0)
    if scope.course_keys:
        for source in _sources(scope):
            totals.update(source.queryset.aggregate(**_counts(source)))
    return totals


# -- tables ---------------------------------------------------------------------------------------------------------


def shown(measure: str, value: int | None) -> str:
    """A figure as printed on the screen and in the exports: "—" where the breakdown does not apply, "<5" for 1 to 4
    people, the number otherwise."""
    if value is None:
        return "—"
    if measure in PEOPLE_MEASURES and 0 < value < SMALLEST_SHOWN:
        return f"<{SMALLEST_SHOWN}"
    return str(value)


@dataclass
class ReportRow:
    key: object
    label: str
    figures: dict  # measure -> int, or None where this breakdown does not apply


@dataclass
class ReportTable:
    dimension: str
    rows: list[ReportRow]
    total: ReportRow

    @property
    def title(self) -> str:
        return str(DIMENSIONS[self.dimension])

    def header(self) -> list[str]:
        return [self.title, *(str(label) for label in MEASURES.values())]

    def cells(self) -> list[list[str]]:
        """Every row then the total, as printed: the screen and both exports write exactly these."""
        return [
            [row.label, *(shown(measure, row.figures.get(measure)) for measure in MEASURES)]
            for row in [*self.rows, self.total]
        ]


def _labels(dimension: str, keys, scope: Scope, language: str) -> dict:
    """What each group is called, in the viewer's language: at most two queries, whatever the number of groups."""
    not_given = _("Not given")
    if dimension == "landscape":
        names = landscape_names(language)
        return {key: names.get(key, str(key)) if key else _("No landscape given") for key in keys}
    if dimension == "country":
        return {key: country_name(key, language) if key else _("No landscape given") for key in keys}
    if dimension == "element":
        locale = Locale.objects.filter(language_code=language).first() or Locale.get_default()
        titles = {element.number: str(element) for element in elements_in_locale(locale)}
        return {key: titles.get(key, str(key)) for key in keys}
    if dimension == "course":
        pages = pages_in_language(CoursePage, keys, language)
        missing = [key for key in keys if key not in pages]
        if missing:
            pages.update(pages_in_language(CoursePage, missing, settings.LANGUAGE_CODE))
        return {key: pages[key].title if key in pages else str(key) for key in keys}
    if dimension == "institute":
        names = {}
        for key, code, name in Institute.objects.filter(translation_key__in=list(keys)).values_list(
            "translation_key", "locale__language_code", "name"
        ):
            if code == language or key not in names:
                names[key] = name
        return {key: names.get(key, str(key)) for key in keys}
    if dimension == "language":
        return {key: language_name(key) if key else not_given for key in keys}
    if dimension in ("stakeholder_group", "gender"):
        choices = dict((StakeholderGroup if dimension == "stakeholder_group" else Gender).choices)
        return {key: str(choices.get(key, key)) if key else not_given for key in keys}
    if dimension == "month":
        return {
            key: format_skeleton("yMMMM", datetime.date(int(key[:4]), int(key[5:]), 1), locale=language)
            if key
            else not_given
            for key in keys
        }
    raise ValueError(dimension)


def _sort_key(dimension: str, key, label: str):
    if dimension in ("month", "element"):
        return (key is None, key or 0)
    return (not key, label.casefold())


def programme_table(scope: Scope, dimension: str, language: str) -> ReportTable:
    """One breakdown of the figures, rows in a natural order (months and elements in theirs, others by name, the
    "not given" row last), and the whole scope's totals (which are not the sum of the rows: one learner counts once
    in the total, and in each element their course covers)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    figures, measured = _grouped_figures(scope, dimension)
    keys = list(range(1, 6)) if dimension == "element" else list(figures)
    labels = _labels(dimension, keys, scope, language)
    rows = [
        ReportRow(key, labels[key], {m: (figures[key].get(m, 0) if m in measured else None) for m in MEASURES})
        for key in keys
    ]
    rows.sort(key=lambda row: _sort_key(dimension, row.key, row.label))
    total = ReportRow(None, _("Total"), _totals(scope))
    return ReportTable(dimension, rows, total)
