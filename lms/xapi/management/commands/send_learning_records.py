"""Send the learning records waiting in the outbox to the LRS: from cron, where no db_worker runs, or by hand."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.xapi.sending import next_try, outbox_send


class Command(BaseCommand):
    help = "Send the xAPI statements waiting in the outbox to the LRS (LRS_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None, help="Statements per request (LRS_BATCH_SIZE).")

    def handle(self, *args, batch_size=None, **options):
        if not settings.LRS_URL:
            self.stdout.write("LRS_URL is not set: no learning records are recorded or sent.")
            return
        report = outbox_send(batch_size=batch_size)
        self.stdout.write(f"Sent {report.sent}, refused by the LRS {report.refused}.")
        if report.postponed:
            raise CommandError(
                f"{report.postponed} learning records wait for the LRS (next try {next_try():%Y-%m-%d %H:%M:%S %Z}): "
                f"{report.error}"
            )
        if (when := next_try()) is not None:
            self.stdout.write(f"Others wait for their next try, at {when:%Y-%m-%d %H:%M:%S %Z}.")
