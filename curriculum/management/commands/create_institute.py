from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from curriculum.institutes import institute_setup
from curriculum.models import Institute


class Command(BaseCommand):
    help = (
        "Create a training institute with its workspace: editors, moderators and facilitators groups, a collection "
        "for its images and documents, a review workflow and a section of the catalogue in every language. Running "
        "it again completes what is missing and changes nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help='The institute\'s name, e.g. "Sahel Restoration Centre".')
        parser.add_argument("--slug", required=True, help="Its part of course addresses, e.g. sahel-restoration.")
        parser.add_argument("--website", default="")
        parser.add_argument("--contact-email", default="")
        parser.add_argument("--brand-colour", default="#24583a", help="A dark #rrggbb colour (white text sits on it).")

    def handle(self, *args, name, slug, website, contact_email, brand_colour, **options):
        try:
            institute, report = institute_setup(
                name=name, slug=slug, website=website, contact_email=contact_email, brand_colour=brand_colour
            )
        except ValidationError as error:
            problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
            raise CommandError(problems) from error
        except Institute.DoesNotExist as error:
            raise CommandError(f"{error} Run `manage.py load_demo` or create the catalogue in the admin.") from error
        for made in report.made:
            self.stdout.write(f"  created {made}")
        if report.made:
            self.stdout.write(self.style.SUCCESS(f"{institute.name}: ready."))
        else:
            self.stdout.write(f"{institute.name} is already set up: nothing changed.")
        self.stdout.write(
            "Add people to its groups in Settings > Groups (or Users): "
            + ", ".join(group.name for group in institute.groups())
        )
