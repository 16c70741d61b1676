"""Reads of workshops. A workshop belongs to an institute: its facilitators, editors and moderators (and site
administrators) see it; for anyone else it does not exist (404, never 403, so its existence does not leak)."""

from django.shortcuts import get_object_or_404

from curriculum.institutes import institute_keys_of
from lms.workshops.models import Workshop


def workshops_of(user):
    """The workshops this user may see and run."""
    if not user.is_authenticated:
        return Workshop.objects.none()
    return Workshop.objects.filter(institute_key__in=institute_keys_of(user))


def workshop_of(user, pk) -> Workshop:
    """One of the user's workshops, or 404."""
    return get_object_or_404(workshops_of(user), pk=pk)
