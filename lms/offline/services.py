"""Actions made offline and sent later: a lesson marked complete, a quiz answered. Each comes with the key the phone
gave it; the first sending does the action and records its result under that key, in one transaction, so a resend (a
dropped reply, a second tab, a replay of the whole queue) answers the same result and counts nothing twice."""

import uuid
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from curriculum.models import LessonPage, QuizPage
from curriculum.selectors.languages import live_page
from lms.progress import services as progress_services
from lms.progress.models import OfflineAction
from lms.quizzes import services as quiz_services

LESSON, QUIZ = "lesson", "quiz"
KINDS = (LESSON, QUIZ)

DONE = "done"
CONFLICT = "conflict"


@dataclass
class ActionResult:
    status: str  # DONE, or CONFLICT: nothing was counted, the phone keeps the action and shows the message
    message: str
    url: str = ""  # where to see the result (a graded attempt), or to fix the conflict (the quiz)
    reason: str = ""  # for a conflict: "gone", "quiz-changed", "attempts-used", "answers"

    def as_json(self) -> dict:
        return asdict(self)


def offline_action_apply(
    *,
    learner,
    key: uuid.UUID,
    kind: str,
    target_key: uuid.UUID,
    language: str,
    revision: int | None = None,
    answers: dict[str, list[str]] | None = None,
) -> ActionResult:
    """Do the action once per key; a resend returns what the first sending did."""
    recorded = OfflineAction.objects.filter(learner=learner, key=key).first()
    if recorded is not None:
        return ActionResult(**recorded.result)
    try:
        with transaction.atomic():
            # The key's row first: a concurrent resend waits on its unique index until this transaction ends, then
            # finds the row, instead of doing the action a second time.
            action = OfflineAction.objects.create(learner=learner, key=key, kind=kind, target_key=target_key)
            if kind == LESSON:
                result = _complete_lesson(learner, target_key, language)
            else:
                result = _submit_quiz(learner, target_key, language, revision, answers or {})
            action.result = result.as_json()
            action.save(update_fields=["result"])
            return result
    except IntegrityError:
        winner = OfflineAction.objects.filter(learner=learner, key=key).first()
        if winner is None:
            raise
        return ActionResult(**winner.result)


def _gone() -> ActionResult:
    return ActionResult(
        CONFLICT, _("This lesson or quiz is no longer published, so this could not be sent."), reason="gone"
    )


def _complete_lesson(learner, lesson_key, language) -> ActionResult:
    lesson = live_page(LessonPage, lesson_key, language)
    if lesson is None:
        return _gone()
    progress_services.item_complete(learner=learner, item=lesson)
    return ActionResult(DONE, _("“%(lesson)s” is complete.") % {"lesson": lesson.title}, url=lesson.get_url())


def _submit_quiz(learner, quiz_key, language, revision, answers) -> ActionResult:
    quiz = live_page(QuizPage, quiz_key, language)
    if quiz is None:
        return _gone()
    names = {"quiz": quiz.title}
    quiz_url = quiz.get_url() + "#quiz"
    try:
        attempt = quiz_services.attempt_start(learner=learner, quiz=quiz)
    except quiz_services.QuizClosed:
        return ActionResult(
            CONFLICT,
            _("You have used all the attempts “%(quiz)s” allows, so these answers were not graded.") % names,
            url=quiz_url,
            reason="attempts-used",
        )
    kept = quiz_services.answers_to_keep(quiz_services.quiz_version(attempt, quiz), answers)
    if revision != attempt.revision_id:
        # Answered on a copy of another version of the quiz: grading them against this one could count answers to
        # questions that changed. They wait in the attempt, for the learner to check and submit.
        quiz_services.attempt_save_draft(attempt=attempt, submitted=kept)
        return ActionResult(
            CONFLICT,
            _(
                "“%(quiz)s” was changed since it was saved on your phone, so these answers were not graded. They are "
                "kept: open the quiz to check them and submit."
            )
            % names,
            url=quiz_url,
            reason="quiz-changed",
        )
    submitted = quiz_services.attempt_submit(attempt=attempt, submitted=answers, quiz=quiz)
    if submitted.errors:
        return ActionResult(
            CONFLICT,
            _("Some answers to “%(quiz)s” need your attention. They are kept: open the quiz to check them and submit.")
            % names,
            url=quiz_url,
            reason="answers",
        )
    attempt = submitted.attempt
    score = number_format(round(float(attempt.score)), 0)
    message = (
        _("Your answers to “%(quiz)s” are graded: %(score)s%%, passed.")
        if attempt.passed
        else _("Your answers to “%(quiz)s” are graded: %(score)s%%, not passed.")
    ) % {**names, "score": score}
    return ActionResult(DONE, message, url=reverse("quizzes:attempt", args=[attempt.pk]))
