"""Reads of workshops. A workshop belongs to an institute: its facilitators, editors and moderators (and site
administrators) see it; for anyone else it does not exist (404, never 403, so its existence does not leak)."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from curriculum.institutes import institute_keys_of
from lms.certificates.models import Certificate
from lms.workshops.models import Workshop


def workshops_of(user):
    """The workshops this user may see and run."""
    if not user.is_authenticated:
        return Workshop.objects.none()
    return Workshop.objects.filter(institute_key__in=institute_keys_of(user))


def workshop_of(user, pk) -> Workshop:
    """One of the user's workshops, or 404."""
    return get_object_or_404(workshops_of(user), pk=pk)


@dataclass
class WorkshopFigures:
    workshop: Workshop
    participants: int
    completions: int
    certificates: int


def workshop_figures(institute_key, limit: int = 50) -> list[WorkshopFigures]:
    """An institute's latest workshops with their participants, completions (by the workshop's own rule) and valid
    certificates of its course, for the institute's report. Only that institute's workshops: the caller has checked
    the viewer is its staff."""
    from lms.workshops.rules import workshop_completions  # reads attempts and attendance; not needed for 404s

    workshops = list(Workshop.objects.filter(institute_key=institute_key).prefetch_related("participants")[:limit])
    learners = {participant.learner_id for workshop in workshops for participant in workshop.participants.all()}
    certified = set(
        Certificate.objects.filter(learner_id__in=learners, revoked_at__isnull=True).values_list(
            "learner_id", "course_key"
        )
    )
    figures = []
    for workshop in workshops:
        participants = list(workshop.participants.all())
        completions = workshop_completions(workshop, participants)
        figures.append(
            WorkshopFigures(
                workshop=workshop,
                participants=len(participants),
                completions=sum(1 for completion in completions.values() if completion.is_met),
                certificates=sum(1 for p in participants if (p.learner_id, workshop.course_key) in certified),
            )
        )
    return figures
