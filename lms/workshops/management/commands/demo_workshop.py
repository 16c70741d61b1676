from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import translation

from lms.workshops.demo import FACILITATOR, demo_workshop_create


class Command(BaseCommand):
    help = "Create the demo's workshop of the five-element course (if missing) and print where to find it."

    def handle(self, *args, **options):
        if not get_user_model().objects.filter(username=FACILITATOR).exists():
            raise CommandError("Run `manage.py demo_accounts` first: the workshop is its facilitator's.")
        workshop, created = demo_workshop_create()
        participant = (
            workshop.participants.filter(claim_code__isnull=False, learner__certificates__isnull=False)
            .order_by("name")
            .first()
        )
        with translation.override(workshop.language):
            base = settings.PUBLIC_BASE_URL
            claim = base + reverse("workshops:claim")
            sheets = base + reverse("workshops:sheets", args=[workshop.pk])
        self.stdout.write(
            f"{'Workshop (made now)' if created else 'Workshop'}: {workshop.title}, {workshop.participants.count()} "
            f"participants; log in as {FACILITATOR} / landscape-facilitator; sheets at {sheets}"
        )
        if participant:
            self.stdout.write(f"Claim a record at {claim} with the code {participant.claim_code} ({participant.name})")
