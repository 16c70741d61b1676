from django.core.management.base import BaseCommand, CommandError

from lms.progress.services import certificates_issue_missing


class Command(BaseCommand):
    help = (
        "Issue every certificate that learners' records show due and that is missing (for example after the "
        "database failed when a learner finished a course). Safe to run at any time, and again."
    )

    def handle(self, *args, **options):
        issued, failed = certificates_issue_missing()
        self.stdout.write(f"Certificates issued: {issued}.")
        if failed:
            raise CommandError(f"{failed} certificate(s) could not be issued: see the log, then run this again.")
