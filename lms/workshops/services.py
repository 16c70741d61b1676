"""Writes of workshops: `<thing>_<verb>` functions with keyword arguments, as in every lms app."""

import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from curriculum.models import LessonPage, QuizPage
from lms.certificates.services import certificates_keep_for_holder
from lms.progress import services as progress_services
from lms.quizzes import services as quiz_services
from lms.records import create_or_read_back
from lms.workshops.models import (
    ATTENDED,
    Attendance,
    PaperResult,
    Participant,
    Workshop,
    WorkshopSession,
    new_claim_code,
)
from lms.xapi import statements as xapi


def _held_account(name: str):
    """An account nobody can log into, holding a participant's records until they claim it (models.py)."""
    user = get_user_model()(username=f"participant-{secrets.token_hex(8)}", display_name=name[:150], is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def participant_add(*, workshop: Workshop, name: str, learner=None, added_by=None, **details) -> Participant:
    """Add someone to the workshop: a learner with an account, or (learner=None) a participant without one, who
    gets a held account and a claim code. `details`: phone, organisation, stakeholder_group, gender."""
    with transaction.atomic():
        has_own_account = learner is not None
        if learner is None:
            learner = _held_account(name)
        for _attempt in range(5):  # a claim code colliding with another is astronomically rare; try again then
            try:
                with transaction.atomic():
                    return Participant.objects.create(
                        workshop=workshop,
                        learner=learner,
                        has_own_account=has_own_account,
                        name=name,
                        claim_code=None if has_own_account else new_claim_code(),
                        added_by=added_by,
                        **details,
                    )
            except IntegrityError:
                if Participant.objects.filter(workshop=workshop, learner=learner).exists():
                    raise
        raise IntegrityError("no free claim code")


def participant_update(*, participant: Participant, **details) -> Participant:
    """Correct a participant's details (name, phone, organisation, stakeholder_group, gender). The held account of a
    participant without one carries the corrected name too, until they claim it."""
    with transaction.atomic():
        for key, value in details.items():
            setattr(participant, key, value)
        participant.save(update_fields=list(details))
        learner = participant.learner
        if not participant.has_own_account and participant.claimed_at is None and "name" in details:
            learner.display_name = participant.name[:150]
            learner.save(update_fields=["display_name"])
    return participant


def workshop_save(*, workshop: Workshop, sessions: list[dict], user) -> Workshop:
    """Save a workshop and its sessions in one go. `sessions`: dicts of date, starts_at, duration_minutes, item_keys,
    with "session" (an existing one of this workshop, or None for a new one) and "delete"."""
    with transaction.atomic():
        if workshop.pk is None:
            workshop.created_by = user
        workshop.save()
        existing = {session.pk: session for session in workshop.sessions.all()}
        next_number = max((session.number for session in existing.values()), default=0) + 1
        for data in sessions:
            session = data.get("session")
            if session is not None and session.pk not in existing:
                raise ValueError("a session of another workshop")  # the form refuses it before this
            if data.get("delete"):
                if session is not None:
                    session.delete()
                continue
            if session is None:
                session = WorkshopSession(workshop=workshop, number=next_number)
                next_number += 1
            session.date = data["date"]
            session.starts_at = data.get("starts_at")
            session.duration_minutes = data["duration_minutes"]
            session.item_keys = [str(key) for key in data["item_keys"]]
            session.save()
    return workshop


def participant_remove(*, participant: Participant) -> None:
    """Take a participant out of the workshop with their personal data. A held account (made for them, never claimed)
    goes too, with its records; a certificate already issued to it stays a valid record, unlinked (its learner is
    set to null; nothing revokes it). Someone with their own account keeps their account and learning records."""
    with transaction.atomic():
        learner = participant.learner
        is_held = (
            not participant.has_own_account
            and participant.claimed_at is None
            and not learner.is_active
            and not learner.has_usable_password()
            and not learner.email
        )
        participant.delete()
        if is_held and not Participant.objects.filter(learner=learner).exists():
            certificates_keep_for_holder(learner=learner)
            learner.delete()


def _status_write(*, session: WorkshopSession, participant: Participant, status: str, recorded_by) -> str | None:
    """Set one attendance and return the status it replaced (None if there was none). Racing writers of the same
    attendance make one row: the constraint wins and the later write updates it."""
    current, created = create_or_read_back(
        Attendance,
        unique={"session": session, "participant": participant},
        values={"status": status, "recorded_by": recorded_by},
    )
    if created:
        return None
    if current.status != status:
        Attendance.objects.filter(pk=current.pk).update(
            status=status, recorded_by=recorded_by, recorded_at=timezone.now()
        )
    return current.status


def attendance_record(*, session: WorkshopSession, statuses: dict[Participant, str], recorded_by) -> int:
    """Record the attendance of a session; the lessons the session covers are marked complete for everyone newly
    present (or late). Recording the same sheet again changes nothing. Returns how many statuses changed."""
    workshop = session.workshop
    lessons = list(_session_lessons(session))
    changed = 0
    with transaction.atomic():
        for participant, status in statuses.items():
            if participant.workshop_id != workshop.pk:
                raise ValueError("a participant of another workshop")  # the form refuses it before this
            before = _status_write(session=session, participant=participant, status=status, recorded_by=recorded_by)
            changed += before != status
            if status in ATTENDED and before not in ATTENDED:
                xapi.record_attended(participant=participant, session=session)
                for lesson in lessons:
                    progress_services.item_complete(learner=participant.learner, item=lesson)
    return changed


def _session_lessons(session: WorkshopSession):
    """The lessons a session covers (its quizzes count only when passed), in the workshop's language tree."""
    keys = [uuid.UUID(key) for key in session.item_keys]
    language = session.workshop.language
    pages = {}
    for page in (
        LessonPage.objects.live()
        .filter(
            translation_key__in=keys,
            alias_of__isnull=True,
            locale__language_code__in=[language, settings.LANGUAGE_CODE],
        )
        .select_related("locale")
    ):
        if page.translation_key not in pages or page.locale.language_code == language:
            pages[page.translation_key] = page
    for key in keys:
        if key in pages:
            yield pages[key]


@dataclass
class PaperEntry:
    """What the sheet shows of one participant: the choices they ticked ({question id: [values]}) or a score."""

    participant: Participant
    answers: dict[str, list[str]] | None = None
    score: Decimal | None = None


@dataclass
class PaperOutcome:
    recorded: list[Participant] = field(default_factory=list)
    already: list[Participant] = field(default_factory=list)  # entered before: the first entry stands
    errors: dict[int, dict[str, str]] = field(default_factory=dict)  # participant id -> question id ("") -> message


class _Refused(Exception):
    pass


def paper_results_enter(
    *, workshop: Workshop, quiz: QuizPage, entries: list[PaperEntry], revision_id: int | None, entered_by
) -> PaperOutcome:
    """Enter a quiz's paper sheet for many participants: each becomes an ordinary attempt of the participant's
    account, graded by the quiz services against `revision_id` (the revision used that day), or given the score the
    sheet shows. All or nothing: if any line is refused, nothing is recorded and every refusal is reported. A
    participant whose result was entered before keeps it (a double submit, a replayed queue, a second facilitator)."""
    outcome = PaperOutcome()
    try:
        with transaction.atomic():
            ids = [entry.participant.pk for entry in entries]
            # One writer per participant at a time (PostgreSQL; SQLite takes the write lock for the transaction).
            locked = {
                participant.pk: participant
                for participant in Participant.objects.select_for_update().filter(pk__in=ids, workshop=workshop)
            }
            done = set(
                PaperResult.objects.filter(participant_id__in=ids, quiz_key=quiz.translation_key).values_list(
                    "participant_id", flat=True
                )
            )
            for entry in sorted(entries, key=lambda entry: entry.participant.pk):
                participant = locked.get(entry.participant.pk)
                if participant is None:
                    raise ValueError("a participant of another workshop")  # the form refuses it before this
                if participant.pk in done:
                    outcome.already.append(participant)
                    continue
                errors = _paper_attempt(participant, quiz, entry, revision_id, entered_by)
                if errors:
                    outcome.errors[participant.pk] = errors
                else:
                    outcome.recorded.append(participant)
            if outcome.errors:
                raise _Refused
    except _Refused:
        outcome.recorded = []
    return outcome


def _paper_attempt(participant, quiz, entry: PaperEntry, revision_id, entered_by) -> dict[str, str]:
    try:
        attempt = quiz_services.attempt_start(learner=participant.learner, quiz=quiz, revision_id=revision_id)
    except quiz_services.QuizClosed as closed:
        return {"": str(closed)}
    if entry.score is not None:
        result = quiz_services.attempt_record_score(attempt=attempt, score=entry.score, quiz=quiz)
    else:
        result = quiz_services.attempt_submit(
            attempt=attempt, submitted=entry.answers or {}, quiz=quiz, blank_scores_nothing=True
        )
    if result.errors:
        return result.errors
    PaperResult.objects.create(
        workshop_id=participant.workshop_id,
        participant=participant,
        quiz_key=quiz.translation_key,
        attempt=result.attempt,
        score_only=entry.score is not None,
        entered_by=entered_by,
    )
    return {}
