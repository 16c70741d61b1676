from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.backup.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the whole site into one .tar.gz file: the database (any engine), uploaded media and the private "
        "files (generated PDFs). Safe while the site runs. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. /var/backups/academy-2026-01-31.tar.gz")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        try:
            manifest = backup_create(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = ", ".join(f"{count} {name} files" for name, count in manifest["files"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {sum(manifest['rows'].values())} rows of {len(manifest['rows'])} tables and {files} "
                f"to {path} ({path.stat().st_size / 1_000_000:.1f} MB)."
            )
        )
