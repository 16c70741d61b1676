"""Facilitated workshops: a group taking one course together, in a room that may have no connection.

Everyone in a workshop has an account. A participant added without one gets a *held* account: no email address, no
usable password, inactive, so nobody can log into it. Their paper quiz answers, completed lessons and certificate are
then ordinary learning records (QuizAttempt, LessonProgress, Certificate) of that account, counted and verified like
everyone's. Claiming with the participant's code turns the held account into theirs, or moves its records into the
account they already have.

Like every learning record, workshops point at content by translation_key (the course, the lessons and quizzes a
session covers), never by page id.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from curriculum.i18n import shipped_language_choices
from curriculum.models.landscapes import landscape_field
from lms.accounts.models import Gender, StakeholderGroup
from lms.certificates.models import CODE_ALPHABET


def new_workshop_code() -> str:
    """Six characters printed on every sheet of the workshop (with a QR code), so paper finds its way back."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def new_claim_code() -> str:
    """Ten characters a participant types to claim their record (about 48 bits; claims are rate-limited)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class Workshop(models.Model):
    institute_key = models.UUIDField(_("institute"), db_index=True)  # the owning institute's translation_key
    course_key = models.UUIDField(_("course"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=10, choices=shipped_language_choices)
    place = models.CharField(_("place"), max_length=200, help_text=_("Village, town or venue, and country."))
    landscape = landscape_field(_("landscape"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    # The completion rule, per workshop: every quiz of the course passed (on paper or online), and attendance at no
    # fewer than this many sessions (present or late).
    sessions_required = models.PositiveSmallIntegerField(_("sessions to attend"), default=0)
    code = models.CharField(_("sheet code"), max_length=6, unique=True, default=new_workshop_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="workshop_ends_after_it_starts"),
        ]

    def __str__(self):
        return self.title


class WorkshopSession(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("number"))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=180)
    # translation_keys (as strings) of the lessons and quizzes this session covers, in course order.
    item_keys = models.JSONField(_("lessons and quizzes covered"), default=list, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["workshop", "number"]
        constraints = [models.UniqueConstraint(fields=["workshop", "number"], name="session_numbers_are_unique")]

    def __str__(self):
        return f"{self.workshop} · {self.number}"


class Participant(models.Model):
    """Someone in a workshop, with the personal data only the institute's staff see."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    # Their own account, or the held account made for them (see the module's docstring). Deleting the account
    # takes the participant's personal data with it.
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations")
    has_own_account = models.BooleanField(_("has an account"), default=False)
    name = models.CharField(_("name on the certificate"), max_length=200)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=30, choices=StakeholderGroup.choices, default=StakeholderGroup.OTHER
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    # Given to a participant without an account; null once claimed, or for one who has an account.
    claim_code = models.CharField(_("claim code"), max_length=10, unique=True, null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["workshop", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["workshop", "learner"], name="one_participation_per_workshop")]

    def __str__(self):
        return self.name


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# Statuses that count as having attended the session, for the completion rule.
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class Attendance(models.Model):
    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="one_attendance_per_session"),
        ]

    def __str__(self):
        return f"{self.participant} · {self.session} · {self.status}"


class PaperResult(models.Model):
    """A quiz taken on paper in the workshop and entered afterwards: one per participant and quiz, so entering the
    same sheet twice (a double submit, a replayed offline queue, two facilitators at once) records it once. The
    attempt is an ordinary QuizAttempt of the participant's account, graded by the question blocks against the
    quiz revision used that day, or given only a score when that is all the paper shows."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="paper_results")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="paper_results")
    quiz_key = models.UUIDField(_("quiz"))
    attempt = models.OneToOneField(
        "quizzes.QuizAttempt", on_delete=models.CASCADE, related_name="paper_result", verbose_name=_("attempt")
    )
    score_only = models.BooleanField(_("only a score was entered"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("paper result")
        verbose_name_plural = _("paper results")
        constraints = [
            models.UniqueConstraint(fields=["participant", "quiz_key"], name="one_paper_result_per_quiz"),
        ]

    def __str__(self):
        return f"{self.participant} · {self.quiz_key}"


class CertificatePack(models.Model):
    """The print-ready PDF of a workshop's certificates (one per page), built in the background: the progress page
    reads how far the build is. `fingerprint` names the certificates (and claim codes) the file holds, so a new
    certificate or a reset code makes the pack out of date."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="certificate_pack")
    fingerprint = models.CharField(_("contents"), max_length=16)
    done = models.PositiveIntegerField(_("certificates laid out"), default=0)
    total = models.PositiveIntegerField(_("certificates"), default=0)
    path = models.CharField(_("file"), max_length=200, blank=True)  # set once the file is stored whole
    failed = models.BooleanField(_("failed"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certificates pack")
        verbose_name_plural = _("certificates packs")

    def __str__(self):
        return f"{self.workshop} · {self.done}/{self.total}"


class SheetsPack(models.Model):
    """The workshop's PDF of sign-in and results sheets, built in the background like the certificates pack: the
    progress page reads how far the build is. `fingerprint` names everything printed on it (the workshop, its
    sessions, participants and quizzes), so a change makes the pack out of date."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="sheets_pack")
    fingerprint = models.CharField(_("contents"), max_length=16)
    done = models.PositiveIntegerField(_("sheets laid out"), default=0)
    total = models.PositiveIntegerField(_("sheets"), default=0)
    path = models.CharField(_("file"), max_length=200, blank=True)  # set once the file is stored whole
    failed = models.BooleanField(_("failed"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sheets pack")
        verbose_name_plural = _("sheets packs")

    def __str__(self):
        return f"{self.workshop} · {self.done}/{self.total}"
