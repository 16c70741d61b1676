"""What institute staff see on the admin home page: each institute's courses and how learners do in them."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from curriculum.models import CoursePage, Institute
from curriculum.permissions import can_see_institute_report, institutes_reported_to
from lms.certificates.models import Certificate
from lms.progress.models import Enrolment
from lms.quizzes.models import QuizAttempt
from lms.workshops.selectors import workshop_figures


@dataclass
class CourseFigures:
    course: CoursePage
    enrolments: int
    completions: int
    certificates: int
    average_quiz_score: float | None

    @property
    def completion_rate(self) -> int | None:
        return round(100 * self.completions / self.enrolments) if self.enrolments else None


def course_figures(institutes) -> list[tuple[Institute, list[CourseFigures]]]:
    """Each institute's courses (default-language tree) with their figures, in four queries whatever the count."""
    institutes = list(institutes)
    courses = list(
        CoursePage.objects.filter(
            locale__language_code=settings.LANGUAGE_CODE,
            alias_of__isnull=True,
            institute__translation_key__in=[institute.translation_key for institute in institutes],
        )
        .select_related("institute")
        .order_by("title")
    )
    keys = [course.translation_key for course in courses]
    enrolments = {
        row["course_key"]: row
        for row in Enrolment.objects.filter(course_key__in=keys)
        .values("course_key")
        .annotate(total=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False)))
    }
    scores = dict(
        QuizAttempt.objects.filter(course_key__in=keys, submitted_at__isnull=False)
        .values("course_key")
        .annotate(average=Avg("score"))
        .values_list("course_key", "average")
    )
    certificates = dict(
        Certificate.objects.filter(course_key__in=keys, revoked_at__isnull=True)
        .values("course_key")
        .annotate(total=Count("id"))
        .values_list("course_key", "total")
    )
    by_institute = defaultdict(list)
    for course in courses:
        row = enrolments.get(course.translation_key, {})
        by_institute[course.institute.translation_key].append(
            CourseFigures(
                course=course,
                enrolments=row.get("total", 0),
                completions=row.get("completed", 0),
                certificates=certificates.get(course.translation_key, 0),
                average_quiz_score=float(scores[course.translation_key]) if course.translation_key in scores else None,
            )
        )
    return [(institute, by_institute[institute.translation_key]) for institute in institutes]


class InstituteCoursesPanel(Component):
    """The admin home's summary: the courses of the user's institutes (every institute for site administrators)."""

    name = "institute_courses"
    order = 50
    template_name = "lms/progress/admin_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"institutes": course_figures(institutes_reported_to(self.user))}


class InstituteReportView(WagtailAdminTemplateMixin, TemplateView):
    """One institute's courses and learners; a permission error for anyone outside its staff."""

    template_name = "lms/progress/institute_report.html"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.institute = get_object_or_404(Institute, pk=kwargs["institute_id"])
        if not can_see_institute_report(request.user, self.institute):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Courses and learners: %(institute)s") % {"institute": self.institute.name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ((_institute, courses),) = course_figures([self.institute])
        context.update(institute=self.institute, courses=courses)
        context["workshops"] = workshop_figures(self.institute.translation_key)
        return context
