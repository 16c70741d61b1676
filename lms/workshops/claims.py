"""Claiming a workshop record: a participant added without an account types the code printed on their certificate
and either makes the held account their own (an email address and a password) or moves what it holds into the
account they already have. A code works once; the facilitator can reset it, and the old one stops working.

Everything a held account holds is an ordinary learning record (see models.py), so moving it means respecting each
record's unique constraint: an attempt number already taken goes after the learner's own attempts; lesson progress
and enrolments of the same item merge (the earliest start and completion); a certificate the learner already has
for the course stays theirs, and the held one is revoked, pointing at it.
"""

from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.certificates.models import CODE_ALPHABET, Certificate
from lms.certificates.services import certificate_revoke
from lms.progress.models import Enrolment, LessonProgress
from lms.quizzes.models import QuizAttempt
from lms.workshops.models import Attendance, PaperResult, Participant, new_claim_code
from lms.xapi import statements as xapi

CLAIM_CODE_LENGTH = 10


class CodeNotValid(Exception):
    """The code is wrong, was reset by the facilitator, or has been used: the same answer for all three, so the
    page tells a guesser nothing."""


def code_normalise(typed: str) -> str:
    """What a person types from paper: any case, spaces or dashes."""
    return "".join(character for character in typed.upper() if character.isalnum())


def participant_for_code(code: str) -> Participant | None:
    """The participant whose unused claim code this is, or None."""
    code = code_normalise(code)
    if len(code) != CLAIM_CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
        return None
    return (
        Participant.objects.select_related("workshop", "learner")
        .filter(claim_code=code, claimed_at__isnull=True, has_own_account=False)
        .first()
    )


def claim_code_reset(*, participant: Participant) -> str:
    """A new code for a participant who has not claimed their record: the old one stops working."""
    if participant.has_own_account or participant.claimed_at is not None:
        raise ValueError("This participant has nothing left to claim")
    for _attempt in range(5):
        code = new_claim_code()
        try:
            with transaction.atomic():
                Participant.objects.filter(pk=participant.pk).update(claim_code=code)
        except IntegrityError:
            continue  # the code of another participant: draw again
        participant.claim_code = code
        return code
    raise IntegrityError("no free claim code")


def _locked(participant_pk: int, code: str) -> Participant:
    """The participant, locked for the claim, if the code is still theirs and unused."""
    participant = (
        Participant.objects.select_for_update()
        .filter(pk=participant_pk, claim_code=code, claimed_at__isnull=True, has_own_account=False)
        .first()
    )
    if participant is None:
        raise CodeNotValid
    return participant


def _mark_claimed(participant: Participant, learner) -> None:
    participant.learner = learner
    participant.has_own_account = True
    participant.claim_code = None
    participant.claimed_at = timezone.now()
    participant.save(update_fields=["learner", "has_own_account", "claim_code", "claimed_at"])


def claim_as_new_account(
    *,
    participant_pk: int,
    code: str,
    email: str,
    password: str,
    display_name: str,
    preferred_language: str,
    is_active: bool = True,
):
    """The held account becomes the participant's: their address, password, name and language. Raises
    CodeNotValid, or IntegrityError when another account took the address meanwhile (nothing is changed then)."""
    with transaction.atomic():
        participant = _locked(participant_pk, code)
        account = participant.learner
        account.email = email
        account.username = ""  # follows from the address (User.save)
        account.display_name = display_name
        account.preferred_language = preferred_language
        account.is_active = is_active
        account.set_password(password)
        account.save()
        _mark_claimed(participant, account)
        return account


def claim_into_account(*, participant_pk: int, code: str, learner):
    """Move everything the held account holds into `learner`'s account, in one transaction, and remove the held
    account. Raises CodeNotValid."""
    with transaction.atomic():
        participant = _locked(participant_pk, code)
        held = participant.learner
        language = participant.workshop.language
        records_move(source=held, target=learner, language=language)
        held.delete()
        # (The row is gone if they were in the workshop already under their account: its records joined that row.)
        Participant.objects.filter(pk=participant.pk).update(claim_code=None, claimed_at=timezone.now())
        return learner


def _earliest(*values):
    present = [value for value in values if value is not None]
    return min(present) if present else None


def records_move(*, source, target, language: str) -> None:
    """Every learning record of `source` (a held account) into `target`, keeping each unique constraint."""
    _move_participations(source, target)
    _move_attempts(source, target)
    xapi.outbox_move(source=source, target=target)
    for model, key, merge in (
        (LessonProgress, "lesson_key", _progress_merge),
        (Enrolment, "course_key", _enrolment_merge),
        (Certificate, "course_key", partial(_certificate_merge, language=language)),
    ):
        for record in model.objects.filter(learner=source):
            own = model.objects.filter(learner=target, **{key: getattr(record, key)}).first()
            if own is None:
                model.objects.filter(pk=record.pk).update(learner=target)
            else:
                merge(own, record)


def _progress_merge(own: LessonProgress, held: LessonProgress) -> None:
    own.started_at = min(own.started_at, held.started_at)
    own.completed_at = _earliest(own.completed_at, held.completed_at)
    own.save(update_fields=["started_at", "completed_at"])
    held.delete()


def _enrolment_merge(own: Enrolment, held: Enrolment) -> None:
    own.enrolled_at = min(own.enrolled_at, held.enrolled_at)
    own.completed_at = _earliest(own.completed_at, held.completed_at)
    # Taking the course in a workshop means taking it: a course they had left is current again.
    own.left_at = None if held.left_at is None else own.left_at
    own.save(update_fields=["enrolled_at", "completed_at", "left_at"])
    held.delete()


def _certificate_merge(own: Certificate, held: Certificate, *, language: str) -> None:
    """Their own certificate stays theirs; the paper one printed for the workshop says where the valid one is."""
    Certificate.objects.filter(pk=held.pk).update(learner=None)
    with translation.override(language):
        reason = _("Replaced by the certificate with the code %(code)s, which the holder already had.") % {
            "code": own.code
        }
    certificate_revoke(certificate=held, reason=reason)


def _move_participations(source, target) -> None:
    for participation in Participant.objects.filter(learner=source):
        own = Participant.objects.filter(workshop_id=participation.workshop_id, learner=target).first()
        if own is None:
            Participant.objects.filter(pk=participation.pk).update(learner=target, has_own_account=True)
            continue
        # Already in this workshop under their account: its attendance and paper results join that row (what was
        # recorded for that row wins), and the duplicate row goes.
        taken_sessions = set(own.attendance.values_list("session_id", flat=True))
        Attendance.objects.filter(participant=participation).exclude(session_id__in=taken_sessions).update(
            participant=own
        )
        taken_quizzes = set(own.paper_results.values_list("quiz_key", flat=True))
        PaperResult.objects.filter(participant=participation).exclude(quiz_key__in=taken_quizzes).update(
            participant=own
        )
        participation.delete()


def _move_attempts(source, target) -> None:
    attempts = list(QuizAttempt.objects.filter(learner=source).order_by("quiz_key", "number"))
    last = dict(
        QuizAttempt.objects.filter(learner=target, quiz_key__in={attempt.quiz_key for attempt in attempts})
        .values("quiz_key")
        .annotate(last=Max("number"))
        .values_list("quiz_key", "last")
    )
    open_quizzes = set(
        QuizAttempt.objects.filter(learner=target, submitted_at__isnull=True).values_list("quiz_key", flat=True)
    )
    for attempt in attempts:
        if attempt.is_open and attempt.quiz_key in open_quizzes:
            attempt.delete()  # an unfinished try; the learner has their own open one
            continue
        # After the learner's own attempts at the quiz, in the order they were made.
        number = last.get(attempt.quiz_key, 0) + 1 if attempt.quiz_key in last else attempt.number
        last[attempt.quiz_key] = max(number, last.get(attempt.quiz_key, 0))
        QuizAttempt.objects.filter(pk=attempt.pk).update(learner=target, number=number)
