"""Enrol, leave, complete a lesson (POST forms that work without JavaScript), and the "My learning" dashboard."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from curriculum.models import CoursePage, LessonPage
from curriculum.selectors.catalogue import PageLinks
from curriculum.selectors.languages import live_page, pages_in_language, with_content_languages
from curriculum.selectors.tree import course_of
from lms.progress import charts, selectors, services
from lms.quizzes import selectors as quiz_selectors

DASHBOARD_PAGE_SIZE = 10  # courses per list of "My learning" (in progress, completed, left)


def _login_then(request, page):
    """Anonymous learners are sent to log in, and come back to the page they were on."""
    return redirect_to_login(page.get_url(request) if page else request.get_full_path())


def _live_course_or_404(course_key: uuid.UUID):
    course = live_page(CoursePage, course_key, translation.get_language())
    if course is None:
        raise Http404(_("This course does not exist or is not published."))
    return course


@require_POST
def enrol(request, course_key):
    course = _live_course_or_404(course_key)
    if not request.user.is_authenticated:
        return _login_then(request, course)
    services.enrolment_create(learner=request.user, course=course)
    messages.success(request, _("You are enrolled in “%(course)s”.") % {"course": course.title})
    return redirect(course.get_url(request))


@require_POST
@login_required
def leave(request, course_key):
    course = _live_course_or_404(course_key)
    services.enrolment_leave(learner=request.user, course=course)
    messages.success(
        request,
        _("You left “%(course)s”. Your progress is kept: enrol again to continue.") % {"course": course.title},
    )
    return redirect(course.get_url(request))


@require_POST
def complete_lesson(request, lesson_key):
    language = translation.get_language()
    lesson = live_page(LessonPage, lesson_key, language)
    if lesson is None:
        raise Http404(_("This lesson does not exist or is not published."))
    if not request.user.is_authenticated:
        return _login_then(request, lesson)
    services.item_complete(learner=request.user, item=lesson)
    course = course_of(lesson)
    progress = selectors.course_progress(learner=request.user, course=course)
    if progress.has_done_every_item:  # (a course a workshop completed says so only once every lesson is read)
        messages.success(
            request, _("You completed every lesson of “%(course)s”. Well done!") % {"course": course.title}
        )
        return redirect(course.get_url(request))
    messages.success(request, _("“%(lesson)s” is complete.") % {"lesson": lesson.title})
    following = selectors.next_item(progress, lesson.translation_key, language)
    return redirect(following.get_url(request) if following else course.get_url(request))


@login_required
def dashboard(request):
    language = translation.get_language()
    data = selectors.dashboard(learner=request.user, language_code=language)
    certificates = list(request.user.certificates.all())
    held = {certificate.course_key for certificate in certificates}
    pending = []
    for item in data.completed:  # issuing follows from the records, whatever left it undone (a database failure)
        if item.course.translation_key not in held:
            issued = services.certificate_ensure(
                learner=request.user, course=item.course, language=item.course.locale.language_code
            )
            if issued:
                certificates.insert(0, issued)
            else:
                pending.append(item.course)
    # What is current first, and every list a page at a time: the page stays small whatever a learner has taken.
    page_links = {}
    for name in ("current", "completed", "left"):
        listed = Paginator(getattr(data, name), DASHBOARD_PAGE_SIZE).get_page(request.GET.get(f"{name}_page"))
        setattr(data, name, list(listed.object_list))
        page_links[name] = PageLinks.of(listed, request.GET, name=f"{name}_page")
    quiz_keys = [key for item in data.current + data.completed for key in item.progress.structure.quiz_keys]
    resume = [item.resume_lesson for item in data.current if item.resume_lesson]
    quizzes = pages_in_language(Page, quiz_keys, language)
    courses = [item.course for item in data.current + data.completed + data.left]
    # Titles not written in the visitor's language (untranslated aliases) carry their own: one query for them all.
    shown = with_content_languages([*courses, *resume, *quizzes.values()])
    return render(
        request,
        "lms/progress/dashboard.html",
        {
            "dashboard": data,
            "page_languages": {page.pk: page_language for page, page_language in shown},
            "chart": charts.element_chart(data.elements),
            "quizzes": quizzes,
            "quiz_scores": quiz_selectors.best_scores(learner=request.user, quiz_keys=quiz_keys),
            "certificates": [
                {
                    "record": certificate,
                    "title": certificate.course_title(language),
                    "title_language": certificate.course_title_language(language),
                }
                for certificate in certificates
            ],
            "pending_certificates": pending,
            "page_links": page_links,
        },
    )
