"""Writes of workshops: `<thing>_<verb>` functions with keyword arguments, as in every lms app."""

import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from lms.workshops.models import Participant, Workshop, new_claim_code


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
