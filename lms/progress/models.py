"""Learning records. They point at content by translation_key, never by page id, so they hold in every language."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    """A learner taking a course. Leaving keeps the record (and all progress); enrolling again resumes it."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course_key = models.UUIDField(_("course"), db_index=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        # Across every institute (settings.PROGRAMME_REPORT_PERMISSION): the programme managers' group has it.
        permissions = [("view_programme_report", _("Can view the programme report of every institute"))]
        constraints = [models.UniqueConstraint(fields=["learner", "course_key"], name="one_enrolment_per_course")]

    def __str__(self):
        return f"{self.learner} in {self.course_key}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class LessonProgress(models.Model):
    """One learner's state in one lesson or quiz: started when first opened (or tried), complete when marked so
    (or passed). lesson_key is the translation_key of the lesson or quiz page."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    course_key = models.UUIDField(_("course"), db_index=True)
    lesson_key = models.UUIDField(_("lesson"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["learner", "lesson_key"], name="one_progress_per_lesson")]
        indexes = [models.Index(fields=["learner", "course_key"])]

    def __str__(self):
        return f"{self.learner} in {self.lesson_key}"


class OfflineAction(models.Model):
    """An action a learner made on their phone without a connection (a lesson marked complete, a quiz answered), sent
    later, maybe more than once: the phone gives each action a key, and the first sending records what it did here,
    so a resend answers the same result and counts nothing twice."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offline_actions")
    key = models.UUIDField(_("idempotency key"))
    kind = models.CharField(_("kind"), max_length=20)
    target_key = models.UUIDField(_("lesson or quiz"))
    result = models.JSONField(_("result"), default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offline action")
        verbose_name_plural = _("offline actions")
        constraints = [models.UniqueConstraint(fields=["learner", "key"], name="one_offline_action_per_key")]

    def __str__(self):
        return f"{self.learner} · {self.kind} · {self.key}"
