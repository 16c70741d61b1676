import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from lms.credentials.verification import Outcome, Report, credential_verify


class Command(BaseCommand):
    help = (
        "Check a digital credential file offline: its eddsa-rdfc-2022 proof, its issuer's key (in the DID document "
        "this site serves), its dates and its status list. Exit code 0: valid; 1: invalid (changed, wrong key, "
        "expired); 2: revoked; 3: cannot be checked here (not a credential, another site's issuer, unknown context)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the credential, as downloaded (JSON)")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=[c for c, _n in settings.LANGUAGES])

    def handle(self, *args, file, language, **options):
        with translation.override(language):
            report = self._check(Path(file))
            for ok, message in report.checks:
                self.stdout.write(("✓ " if ok else "✗ ") + message)
            summary = {
                Outcome.VALID: _("Valid."),
                Outcome.INVALID: _("Not valid."),
                Outcome.REVOKED: _("Revoked."),
                Outcome.UNCHECKABLE: _("Cannot be checked here."),
            }[report.outcome]
            style = self.style.SUCCESS if report.outcome == Outcome.VALID else self.style.ERROR
            self.stdout.write(style(summary))
        sys.exit(report.outcome.value)

    def _check(self, path: Path) -> Report:
        try:
            credential = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            report = Report()
            report.failed(_("%(file)s cannot be read as JSON.") % {"file": path}, Outcome.UNCHECKABLE)
            return report
        return credential_verify(credential)
