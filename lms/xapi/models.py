"""The outbox of xAPI statements, and the opaque name each learner has in them.

A statement is written in the same transaction as the learning event it tells of (an enrolment, a completion, a
graded quiz, an attendance), so the LRS hears of every event that happened and of none that was rolled back. A
background task sends the outbox (lms.xapi.sending); the statement's id is fixed when it is written, so sending it
twice (a timeout after the LRS had stored it) stores it once.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LearnerActor(models.Model):
    """The name a learner has in the LRS: a random id, never their email address or username. It is kept (not derived
    from a secret) so that rotating SECRET_KEY does not turn one learner into two in the LRS."""

    learner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xapi_actor")
    name = models.UUIDField(_("name in the LRS"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("learner in the LRS")
        verbose_name_plural = _("learners in the LRS")

    def __str__(self):
        return str(self.name)


class OutboxStatement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by the LRS")

    # The statement's own id (xAPI "id"), generated here: the LRS keeps one statement per id.
    statement_id = models.UUIDField(_("statement id"), default=uuid.uuid4, unique=True, editable=False)
    # Deleting an account deletes what is still waiting to tell of it.
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(_("verb"), max_length=20)
    statement = models.JSONField(_("statement"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When a sender may take it next: now for a new statement, later after a failed try (backoff), or after the
    # lease of a sender that took it and may have died.
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("learning record to send")
        verbose_name_plural = _("learning records to send")
        indexes = [models.Index(fields=["status", "next_try_at"])]

    def __str__(self):
        return f"{self.verb} · {self.statement_id}"
