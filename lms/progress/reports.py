"""What institute staff see on the admin home page: each institute's courses and how learners do in them."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Q
from wagtail.admin.ui.components import Component

from curriculum.models import CoursePage
from lms.progress.models import Enrolment
from lms.quizzes.models import QuizAttempt


@dataclass
class CourseFigures:
    course: CoursePage
    enrolments: int
    completions: int
    average_quiz_score: float | None

    @property
    def completion_rate(self) -> int | None:
        return round(100 * self.completions / self.enrolments) if self.enrolments else None


def course_figures() -> dict[str, list[CourseFigures]]:
    """Courses of the default language's tree grouped by institute name, in three queries."""
    courses = list(
        CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE, alias_of__isnull=True)
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
    by_institute = defaultdict(list)
    for course in courses:
        row = enrolments.get(course.translation_key, {})
        by_institute[course.institute.name if course.institute_id else ""].append(
            CourseFigures(
                course=course,
                enrolments=row.get("total", 0),
                completions=row.get("completed", 0),
                average_quiz_score=float(scores[course.translation_key]) if course.translation_key in scores else None,
            )
        )
    return dict(sorted(by_institute.items()))


class InstituteCoursesPanel(Component):
    name = "institute_courses"
    order = 50
    template_name = "lms/progress/admin_panel.html"

    def get_context_data(self, parent_context=None):
        return {"institutes": course_figures()}
