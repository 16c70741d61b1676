"""Start, answer (saved as you go), submit and review quiz attempts. Everything works without JavaScript."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from curriculum.models import QuizPage
from curriculum.selectors.languages import content_language, live_page, pages_in_language
from curriculum.selectors.tree import course_of
from lms.middleware import accepts_nul_characters
from lms.progress import selectors as progress_selectors
from lms.progress import services as progress_services
from lms.quizzes import presenters, services
from lms.quizzes.models import QuizAttempt

PENDING_ANSWERS = "quiz-pending-answers"
SUBMIT_ERRORS = "quiz-submit-errors"


def submitted_answers(post) -> dict[str, list[str]]:
    """The form's answers by question id: fields are named q-<question id>."""
    return {name[2:]: post.getlist(name)[:50] for name in post if name.startswith("q-")}


def _quiz_or_404(quiz_key: uuid.UUID) -> QuizPage:
    quiz = live_page(QuizPage, quiz_key, translation.get_language())
    if quiz is None:
        raise Http404(_("This quiz does not exist or is not published."))
    return quiz


def _own_attempt_or_404(request, pk) -> QuizAttempt:
    return get_object_or_404(QuizAttempt, pk=pk, learner=request.user)


def _quiz_url(request, quiz: QuizPage) -> str:
    return quiz.get_url(request) + "#quiz"


@require_POST
@login_required
def start(request, quiz_key):
    quiz = _quiz_or_404(quiz_key)
    try:
        services.attempt_start(learner=request.user, quiz=quiz)
    except services.QuizClosed as closed:
        messages.error(request, str(closed))
    return redirect(_quiz_url(request, quiz))


@accepts_nul_characters
@require_POST
def answer_before_login(request, quiz_key):
    """A visitor answered without being logged in: keep the answers, ask them to log in, and put them back."""
    quiz = _quiz_or_404(quiz_key)
    pending = request.session.get(PENDING_ANSWERS, {})
    pending[str(quiz.translation_key)] = services.answers_to_keep(quiz, submitted_answers(request.POST))
    request.session[PENDING_ANSWERS] = pending
    resume = reverse("quizzes:resume", args=[quiz.translation_key])
    if request.user.is_authenticated:
        return redirect(resume)
    messages.info(request, _("Log in or create an account to submit your answers. They are kept until you do."))
    return redirect_to_login(resume)


@login_required
def resume(request, quiz_key):
    quiz = _quiz_or_404(quiz_key)
    pending = request.session.get(PENDING_ANSWERS, {}).pop(str(quiz.translation_key), None)
    request.session.modified = True
    if not pending:  # a link from elsewhere: nothing of this visitor's to restore, so nothing to start
        return redirect(_quiz_url(request, quiz))
    try:
        attempt = services.attempt_start(learner=request.user, quiz=quiz)
    except services.QuizClosed as closed:
        messages.error(request, str(closed))
        return redirect(_quiz_url(request, quiz))
    # Kept in the session before this visit: the quiz may have changed since, or the answers held a NUL.
    services.attempt_save_draft(attempt=attempt, submitted=services.answers_to_keep(quiz, pending))
    messages.info(request, _("Your answers are back. Check them and submit."))
    return redirect(_quiz_url(request, quiz))


@accepts_nul_characters
@require_POST
@login_required
def save(request, pk):
    """Save as you go (called by the page's script): answers only, never a grade or a hint."""
    attempt = _own_attempt_or_404(request, pk)
    if not attempt.is_open:
        return JsonResponse({"saved": False}, status=409)
    version = services.quiz_version(attempt, _quiz_or_404(attempt.quiz_key))
    services.attempt_save_draft(
        attempt=attempt, submitted=services.answers_to_keep(version, submitted_answers(request.POST))
    )
    return JsonResponse({"saved": True})


@accepts_nul_characters
@require_POST
@login_required
def submit(request, pk):
    attempt = _own_attempt_or_404(request, pk)
    quiz = _quiz_or_404(attempt.quiz_key)
    result = services.attempt_submit(attempt=attempt, submitted=submitted_answers(request.POST), quiz=quiz)
    if result.already_submitted:
        messages.info(request, _("This attempt was already submitted. Its result stands."))
    elif result.errors:
        request.session[SUBMIT_ERRORS] = {str(attempt.pk): result.errors}
        messages.error(request, _("Some answers need your attention. Nothing you entered is lost."))
        return redirect(quiz.get_url(request) + "#quiz-errors")
    return redirect("quizzes:attempt", pk=attempt.pk)


@login_required
def attempt_detail(request, pk):
    attempt = _own_attempt_or_404(request, pk)
    quiz = _quiz_or_404(attempt.quiz_key)
    if attempt.is_open:
        return redirect(_quiz_url(request, quiz))
    graded = services.quiz_version(attempt, quiz)
    show_answers = graded.feedback_mode == QuizPage.FeedbackMode.ANSWERS
    attempts_left = services.attempts_left(learner=request.user, quiz=quiz)
    # The author chooses when right answers and explanations show (the quiz's introduction says it): by default once
    # the quiz is passed or closed, so that a retake is not a copy of the review.
    reveal = graded.reveals_answers(passed=bool(attempt.passed), attempts_left=attempts_left)
    return render(
        request,
        "lms/quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "pass_mark": graded.pass_mark,
            "items": presenters.review_items(attempt, shown=quiz, graded=graded) if show_answers else [],
            "show_answers": show_answers,
            "reveal_answers": reveal,
            "content_language": content_language(quiz),
            "attempts_left": attempts_left,
            **_what_next(request, attempt, quiz),
        },
    )


def _what_next(request, attempt: QuizAttempt, quiz: QuizPage) -> dict:
    """After a passed attempt: the course's next item, or, when it finished the course, the certificate; after a
    failed one, where its lessons are."""
    if not attempt.passed:
        # Before a retake, the lessons the quiz is about: its module's page (or the course's, for a course quiz).
        return {"lessons_page": quiz.get_parent()}
    course = course_of(quiz)
    progress = progress_selectors.course_progress(learner=request.user, course=course)
    if progress is None:
        return {}
    if progress.has_done_every_item:  # this pass finished it (one a workshop completed still has lessons to read)
        language = translation.get_language()
        certificate = progress_services.certificate_ensure(learner=request.user, course=course, language=language)
        return {"course_complete": True, "course": course, "certificate": certificate}
    following = progress_selectors.next_item(progress, quiz.translation_key, translation.get_language())
    if following is None and progress.resume_lesson_key:
        following = pages_in_language(Page, [progress.resume_lesson_key], translation.get_language()).get(
            progress.resume_lesson_key
        )
    return {
        "course": course,
        "next_item": following,
        "next_language": content_language(following) if following is not None else None,
        "next_is_quiz": following is not None and following.specific_class is QuizPage,
    }
