"""Writes of quiz attempts. Grading calls the question blocks; nothing here trusts what the browser says is right."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import QuizPage
from curriculum.questions import AnswerError
from curriculum.selectors.tree import course_of
from lms.progress import services as progress_services
from lms.quizzes.models import QuestionAnswer, QuizAttempt
from lms.records import create_or_read_back
from lms.xapi import statements as xapi

# PostgreSQL cannot store it (in text or JSON); invisible, it can come with pasted text.
NUL = "\x00"


class QuizClosed(Exception):
    """No attempt left: the message says so in the learner's language."""


def quiz_version(attempt: QuizAttempt, fallback: QuizPage) -> QuizPage:
    """The quiz as it was when the attempt started (its revision), or the live quiz if that revision is gone."""
    if attempt.revision_id:
        quiz = attempt.revision.as_object()
        if isinstance(quiz, QuizPage):
            return quiz
    return fallback


def quiz_at_revision(quiz: QuizPage, revision_id: int | None) -> QuizPage:
    """The quiz as that revision had it (a paper sheet printed from it), or the live quiz if that revision is gone."""
    from wagtail.models import Revision

    revision = Revision.objects.filter(pk=revision_id).first() if revision_id else None
    version = revision.as_object() if revision else None
    return version if isinstance(version, QuizPage) else quiz


def submitted_attempt_count(*, learner, quiz: QuizPage) -> int:
    return QuizAttempt.objects.filter(
        learner=learner, quiz_key=quiz.translation_key, submitted_at__isnull=False
    ).count()


def attempts_left(*, learner, quiz: QuizPage) -> int | None:
    """How many more attempts the learner may start, or None when the quiz allows as many as they need."""
    if quiz.attempts_allowed is None:
        return None
    return max(0, quiz.attempts_allowed - submitted_attempt_count(learner=learner, quiz=quiz))


def attempt_start(*, learner, quiz: QuizPage, revision_id: int | None = None) -> QuizAttempt:
    """The learner's open attempt at this quiz, or a new one. Two clicks never open two attempts.

    A new attempt is graded against the quiz's live revision, or `revision_id` (a quiz taken on paper in a workshop
    is graded against the revision live that day)."""

    def values():
        used = submitted_attempt_count(learner=learner, quiz=quiz)
        if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
            raise QuizClosed(_("You have used all the attempts this quiz allows."))
        course = course_of(quiz)
        progress_services.enrolment_create(learner=learner, course=course)
        return {
            "course_key": course.translation_key,
            "number": used + 1,
            "revision_id": revision_id or quiz.live_revision_id,
            "language": quiz.locale.language_code,
            "seed": random.SystemRandom().randrange(2**31),
        }

    attempt, _created = create_or_read_back(
        QuizAttempt,
        unique={"learner": learner, "quiz_key": quiz.translation_key, "submitted_at": None},
        values=values,
    )
    return attempt


def answers_to_keep(quiz: QuizPage, submitted: dict[str, list[str]]) -> dict[str, list[str]]:
    """What is kept of a form's answers between visits: answers to this quiz's questions only, of a sane size, without
    NUL characters."""
    ids = {block.id for block in quiz.questions}
    return {
        key: [value.replace(NUL, "")[:300] for value in values[:20]] for key, values in submitted.items() if key in ids
    }


def attempt_save_draft(*, attempt: QuizAttempt, submitted: dict[str, list[str]]) -> None:
    """Keep what the learner has typed so far, exactly as typed, so a dropped connection loses nothing."""
    if attempt.is_open:
        attempt.draft = {**attempt.draft, **submitted}
        QuizAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(draft=attempt.draft)


@dataclass
class SubmitResult:
    attempt: QuizAttempt
    errors: dict[str, str] = field(default_factory=dict)  # question id (or "" for the whole form) -> message
    already_submitted: bool = False


def attempt_submit(
    *, attempt: QuizAttempt, submitted: dict[str, list[str]], quiz: QuizPage, blank_scores_nothing: bool = False
) -> SubmitResult:
    """Grade and close an attempt. A second submission changes nothing: the first result stands.

    Online, every question must be answered; a paper sheet (`blank_scores_nothing`) may have questions left blank,
    which score nothing."""
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.is_open:
            return SubmitResult(attempt, already_submitted=True)
        version = quiz_version(attempt, quiz)
        questions = {block.id: block for block in version.questions}
        errors = {}
        if set(submitted) - set(questions):
            errors[""] = _("This form holds answers to questions that are not in this quiz. Check your answers.")
        answers = {}
        for question_id, block in questions.items():
            if any(NUL in value for value in submitted.get(question_id, [])):
                errors[question_id] = _(
                    "This answer held an invisible character (a null character) that cannot be saved. It is removed "
                    "now: check the answer and submit again."
                )
                continue
            try:
                answers[question_id] = block.block.parse_answer(block.value, submitted.get(question_id, []))
            except AnswerError as error:
                errors[question_id] = str(error)
                continue
            if answers[question_id] is None and not blank_scores_nothing:
                errors[question_id] = _("Answer this question.")
        known = answers_to_keep(version, submitted)
        if errors:
            attempt.draft = {**attempt.draft, **known}
            attempt.save(update_fields=["draft"])
            return SubmitResult(attempt, errors=errors)

        grades = {
            question_id: questions[question_id].block.grade(questions[question_id].value, answer)
            for question_id, answer in answers.items()
        }
        QuestionAnswer.objects.bulk_create(
            QuestionAnswer(attempt=attempt, question_id=question_id, response=answers[question_id], score=grade.score)
            for question_id, grade in grades.items()
        )
        score = Decimal(100 * sum(grade.score for grade in grades.values()) / len(grades)).quantize(Decimal("0.01"))
        attempt.score = score
        attempt.passed = score >= version.pass_mark
        attempt.submitted_at = timezone.now()
        attempt.draft = known
        attempt.save(update_fields=["score", "passed", "submitted_at", "draft"])
        xapi.record_graded(attempt=attempt, quiz=quiz)
    _record_progress(attempt, quiz)
    return SubmitResult(attempt)


def _record_progress(attempt: QuizAttempt, quiz: QuizPage) -> None:
    if attempt.passed:
        progress_services.item_complete(learner=attempt.learner, item=quiz)
    else:
        progress_services.lesson_start(learner=attempt.learner, lesson=quiz)


def attempt_record_score(*, attempt: QuizAttempt, score: Decimal, quiz: QuizPage) -> SubmitResult:
    """Close an attempt with a score and no answers: a quiz taken on paper of which only the score came back. It
    passes against the pass mark of the revision it was started with. A second call changes nothing."""
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.is_open:
            return SubmitResult(attempt, already_submitted=True)
        attempt.score = Decimal(score).quantize(Decimal("0.01"))
        attempt.passed = attempt.score >= quiz_version(attempt, quiz).pass_mark
        attempt.submitted_at = timezone.now()
        attempt.save(update_fields=["score", "passed", "submitted_at"])
        xapi.record_graded(attempt=attempt, quiz=quiz)
    _record_progress(attempt, quiz)
    return SubmitResult(attempt)
