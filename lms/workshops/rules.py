"""The workshop's completion rule: every quiz of the course passed, and at least `sessions_required` sessions
attended (present or late). The follow-up grid, its exports and certificate issuing all read it from here."""

import uuid
from collections import Counter
from dataclasses import dataclass

from curriculum.selectors.structure import course_structures
from lms.quizzes.models import QuizAttempt
from lms.workshops.models import ATTENDED, Attendance, Workshop


@dataclass(frozen=True)
class Completion:
    sessions_attended: int
    sessions_required: int
    quizzes_passed: frozenset[uuid.UUID]
    quiz_keys: tuple[uuid.UUID, ...]  # the course's quizzes, in order

    @property
    def has_attended_enough(self) -> bool:
        return self.sessions_attended >= self.sessions_required

    @property
    def has_passed_every_quiz(self) -> bool:
        return set(self.quiz_keys) <= self.quizzes_passed

    @property
    def is_met(self) -> bool:
        return self.has_attended_enough and self.has_passed_every_quiz


def workshop_quiz_keys(workshop: Workshop) -> tuple[uuid.UUID, ...]:
    structure = course_structures([workshop.course_key]).get(workshop.course_key)
    return tuple(structure.quiz_keys) if structure else ()


def workshop_completions(workshop: Workshop, participants=None) -> dict[int, Completion]:
    """Each participant's standing against the rule, by participant id, in a fixed number of queries.

    A quiz passed online counts as much as one passed on paper: both are attempts of the participant's account."""
    participants = list(workshop.participants.all() if participants is None else participants)
    quiz_keys = workshop_quiz_keys(workshop)
    attended = Counter(
        Attendance.objects.filter(
            session__workshop=workshop, participant__in=participants, status__in=ATTENDED
        ).values_list("participant_id", flat=True)
    )
    passed: dict[int, set[uuid.UUID]] = {}
    for learner_id, quiz_key in (
        QuizAttempt.objects.filter(
            learner_id__in=[participant.learner_id for participant in participants],
            quiz_key__in=quiz_keys,
            passed=True,
        )
        .values_list("learner_id", "quiz_key")
        .distinct()
    ):
        passed.setdefault(learner_id, set()).add(quiz_key)
    return {
        participant.pk: Completion(
            sessions_attended=attended[participant.pk],
            sessions_required=workshop.sessions_required,
            quizzes_passed=frozenset(passed.get(participant.learner_id, ())),
            quiz_keys=quiz_keys,
        )
        for participant in participants
    }
