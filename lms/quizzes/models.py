"""Quiz attempts and answers, keyed by the quiz's translation_key and the question block ids (kept across languages)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuizAttempt(models.Model):
    """One try at a quiz. It is graded against the revision it started with, even if the quiz is edited meanwhile."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz_key = models.UUIDField(_("quiz"))
    course_key = models.UUIDField(_("course"))
    number = models.PositiveSmallIntegerField(_("attempt number"))
    revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("quiz revision"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10)
    seed = models.PositiveIntegerField(_("order seed"))
    draft = models.JSONField(_("answers saved so far"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["learner", "quiz_key", "number"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "quiz_key", "number"], name="attempt_numbers_are_unique"),
            # Two clicks on "Start" never open two attempts.
            models.UniqueConstraint(
                fields=["learner", "quiz_key"], condition=Q(submitted_at__isnull=True), name="one_open_attempt_per_quiz"
            ),
        ]

    def __str__(self):
        return f"{self.learner} · {self.quiz_key} · {self.number}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class QuestionAnswer(models.Model):
    """The learner's answer to one question of a submitted attempt, and what it scored."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(_("question"), max_length=64)
    response = models.JSONField(_("answer"), null=True)
    score = models.FloatField(_("score"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["attempt", "question_id"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.attempt} · {self.question_id}"
