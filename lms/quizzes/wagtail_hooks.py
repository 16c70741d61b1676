"""The quiz panel on quiz pages, and quiz scores on course and module outlines."""

from wagtail import hooks

from curriculum.models import CoursePage, ModulePage, QuizPage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT, CURRICULUM_PAGE_PARTS
from lms.offline.manifest import OFFLINE_COPY_PARAMETER
from lms.quizzes import presenters, selectors, services
from lms.quizzes.views import PENDING_ANSWERS, SUBMIT_ERRORS


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_quiz_panel(*, page, request, context):
    if isinstance(page, QuizPage):
        context.update(quiz_panel(page, request))
    elif isinstance(page, CoursePage | ModulePage) and request.user.is_authenticated:
        items = [item.page for module in context.get("outline", []) for item in module.lessons]
        items += [item.page for item in context.get("lessons", [])]
        quiz_keys = [item.translation_key for item in items if isinstance(item, QuizPage)]
        context["quiz_scores"] = selectors.best_scores(learner=request.user, quiz_keys=quiz_keys) if quiz_keys else {}


# After lms.progress's parts (order 0): on an outline, the learner's state comes before their best score.
@hooks.register(CURRICULUM_PAGE_PARTS, order=1)
def quiz_parts():
    return {"quiz_panel": "lms/quizzes/panel.html", "outline_item": "lms/quizzes/outline_score.html"}


def quiz_panel(quiz: QuizPage, request) -> dict:
    if not request.user.is_authenticated:
        entered = request.session.get(PENDING_ANSWERS, {}).get(str(quiz.translation_key), {})
        # A visitor answers before logging in, online and offline alike: offline, the phone keeps the answers with
        # this revision until the visitor logs in, and they are graded only if the quiz is still at it.
        return {
            "questions": presenters.question_views(quiz, entered=entered),
            "attempts": [],
            "offline_revision": quiz.live_revision_id,
        }
    attempts = selectors.attempts_of(learner=request.user, quiz_key=quiz.translation_key)
    open_attempt = next((attempt for attempt in attempts if attempt.is_open), None)
    submitted = [attempt for attempt in attempts if not attempt.is_open]
    context = {
        "attempts": submitted,
        "counted_attempt": selectors.counted_score(attempts, quiz.score_policy),
        "open_attempt": open_attempt,
        "attempts_left": services.attempts_left(learner=request.user, quiz=quiz),
    }
    if open_attempt:
        context["offline_revision"] = open_attempt.revision_id
        errors = request.session.pop(SUBMIT_ERRORS, {}).get(str(open_attempt.pk), {})
        version = services.quiz_version(open_attempt, quiz)
        context["questions"] = presenters.question_views(
            version, seed=open_attempt.seed, entered=open_attempt.draft, errors=errors
        )
        context["form_error"] = errors.get("")
        context["error_numbers"] = [question for question in context["questions"] if question.error]
    elif request.GET.get(OFFLINE_COPY_PARAMETER) == "1" and context["attempts_left"] != 0:
        # The copy a phone keeps (lms.offline.manifest): the live quiz's questions, answerable offline; they are
        # sent with this revision, and graded only if the quiz is still at it.
        context["questions"] = presenters.question_views(quiz)
        context["offline_copy"] = True
        context["offline_revision"] = quiz.live_revision_id
    return context
