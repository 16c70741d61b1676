"""Reads of quiz attempts."""

import uuid
from collections import defaultdict

from lms.quizzes.models import QuizAttempt


def attempts_of(*, learner, quiz_key: uuid.UUID) -> list[QuizAttempt]:
    return list(QuizAttempt.objects.filter(learner=learner, quiz_key=quiz_key).order_by("number"))


def counted_score(attempts: list[QuizAttempt], policy: str):
    """The attempt whose score counts: the best one, or the last one, as the quiz says."""
    submitted = [attempt for attempt in attempts if not attempt.is_open]
    if not submitted:
        return None
    if policy == "last":
        return submitted[-1]
    return max(submitted, key=lambda attempt: (attempt.score, -attempt.number))


def best_scores(*, learner, quiz_keys) -> dict[str, float]:
    """Best submitted score per quiz (translation_key as a string), for outlines and the dashboard: one query."""
    best = defaultdict(float)
    for key, score in QuizAttempt.objects.filter(
        learner=learner, quiz_key__in=list(quiz_keys), submitted_at__isnull=False
    ).values_list("quiz_key", "score"):
        best[str(key)] = max(best[str(key)], float(score))
    return dict(best)
