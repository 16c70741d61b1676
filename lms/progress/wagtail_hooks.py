"""How learning records reach curriculum pages, without curriculum/ knowing about lms/: a visit's writes before the
page renders, the learner's progress in its context (read only), and the templates of the learner's part of the
page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from curriculum.models import CoursePage, LessonPage, ModulePage, QuizPage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT, CURRICULUM_PAGE_PARTS
from curriculum.permissions import can_see_programme_report
from curriculum.selectors import outline
from curriculum.selectors.tree import course_of
from lms.progress import selectors, services
from lms.progress.programme_views import ProgrammeExportView, ProgrammeReportView
from lms.progress.reports import InstituteCoursesPanel, InstituteReportView

# The visit recorded before serving, read back by the context hook of the same request: the records are read once.
_VISITS = "_learner_page_visits"


def _learner_course(page, request) -> Page | None:
    """The course of a course, module, lesson or quiz page a learner opens; None for anyone else or any other page."""
    if not request.user.is_authenticated or not isinstance(page, CoursePage | ModulePage | LessonPage | QuizPage):
        return None
    return course_of(page, page.breadcrumbs)


# Wagtail serves a page through the chain of `on_serve_page` hooks, after every `before_serve_page` hook; its own
# view-restriction check is one of that chain (order 0). Recording inside it (order 100) means a page the visitor may
# not open (a password or login form answers) records nothing, and the writes are done before the page renders.
@hooks.register("on_serve_page", order=100)
def record_learner_visit(serve):
    def serve_after_recording(page, request, serve_args, serve_kwargs):
        course = _learner_course(page, request)
        if course is not None:
            visit = services.page_visit(
                learner=request.user, page=page, course=course, start_lesson=request.method == "GET"
            )
            request.__dict__.setdefault(_VISITS, {})[page.pk] = visit
        return serve(page, request, serve_args, serve_kwargs)

    return serve_after_recording


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_learner_progress(*, page, request, context):
    course = _learner_course(page, request)
    if course is None:
        return
    visit = request.__dict__.get(_VISITS, {}).get(page.pk)
    if visit is None:  # not served by Wagtail's serve view (a preview): shown as it is, nothing recorded
        visit = services.PageVisit(progress=selectors.course_progress(learner=request.user, course=course))
    progress = context["progress"] = visit.progress
    if progress is None:
        return
    if isinstance(page, LessonPage):
        context["lesson_state"] = progress.state(page.translation_key)
    if visit.certificate_pending is not None:
        context["certificate_pending"] = visit.certificate_pending
        context["certificate"] = visit.certificate
    if isinstance(page, CoursePage) and progress.resume_lesson_key:
        # The course page's outline holds every live lesson and quiz of the course in the page's language already.
        resume = outline.course_item(context["outline"], progress.resume_lesson_key)
        if resume is not None:  # an untranslated lesson's title is shown in (and marked with) its own language
            context["resume_lesson"] = resume.page
            context["resume_lesson_language"] = resume.content_language


@hooks.register(CURRICULUM_PAGE_PARTS)
def learner_parts():
    return {
        "lesson_header": "lms/progress/lesson_header.html",
        "lesson_footer": "lms/progress/lesson_panel.html",
        "course_panel": "lms/progress/course_panel.html",
        "module_progress": "lms/progress/module_progress.html",
        "outline_item": "lms/progress/item_state.html",
        "pager_item": "lms/progress/item_state.html",
    }


@hooks.register("construct_homepage_panels")
def add_institute_courses_panel(request, panels):
    if request.user.is_superuser or request.user.has_perm("wagtailadmin.access_admin"):
        panels.append(InstituteCoursesPanel(request.user))


@hooks.register("register_admin_urls")
def register_institute_report_url():
    from django.urls import path, re_path

    return [
        path("institute-reports/<int:institute_id>/", InstituteReportView.as_view(), name="institute_report"),
        path("programme/", ProgrammeReportView.as_view(), name="programme_report"),
        re_path(
            r"^programme/export\.(?P<export_format>csv|xlsx)$", ProgrammeExportView.as_view(), name="programme_export"
        ),
    ]


class ProgrammeMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_programme_report(request.user)


@hooks.register("register_admin_menu_item")
def register_programme_menu_item():
    return ProgrammeMenuItem(_("Programme"), reverse("programme_report"), icon_name="table", order=330)
