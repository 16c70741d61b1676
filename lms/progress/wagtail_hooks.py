"""How learning records reach curriculum pages, without curriculum/ knowing about lms/."""

from wagtail import hooks
from wagtail.models import Page

from curriculum.models import CoursePage, LessonPage, ModulePage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT
from curriculum.selectors import pages_in_language
from lms.progress import selectors, services
from lms.progress.reports import InstituteCoursesPanel, InstituteReportView


def _course_of(page, ancestors):
    if isinstance(page, CoursePage):
        return page
    if isinstance(page, ModulePage):
        return ancestors[-1]
    if isinstance(page, LessonPage):
        return ancestors[-2]
    return None


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_learner_progress(*, page, request, context):
    if not request.user.is_authenticated:
        return
    course = _course_of(page, context.get("breadcrumbs", []))
    if course is None:
        return
    progress = selectors.course_progress(learner=request.user, course=course)
    context["progress"] = progress
    if progress is None:
        return
    if isinstance(page, LessonPage):
        if request.method == "GET" and progress.is_enrolled and page.translation_key not in progress.records:
            # Opening a lesson of a course you are enrolled in starts it. Done here, where the learner's records are
            # already loaded, so a lesson already started costs no query.
            progress.records[page.translation_key] = services.lesson_start(
                learner=request.user, lesson=page, course=course
            )
        context["lesson_state"] = progress.state(page.translation_key)
    if isinstance(page, CoursePage) and progress.is_complete and progress.enrolment is not None:
        # Issuing follows from the records, whatever left it undone: an editor unpublished the last item left, or
        # the database failed when the learner finished.
        context["certificate_pending"] = not services.certificate_ensure(
            learner=request.user, course=page, language=page.locale.language_code
        )
    if isinstance(page, CoursePage) and progress.resume_lesson_key:
        language = page.locale.language_code
        context["resume_lesson"] = pages_in_language(Page, [progress.resume_lesson_key], language).get(
            progress.resume_lesson_key
        )


@hooks.register("construct_homepage_panels")
def add_institute_courses_panel(request, panels):
    if request.user.is_superuser or request.user.has_perm("wagtailadmin.access_admin"):
        panels.append(InstituteCoursesPanel(request.user))


@hooks.register("register_admin_urls")
def register_institute_report_url():
    from django.urls import path

    return [path("institute-reports/<int:institute_id>/", InstituteReportView.as_view(), name="institute_report")]
