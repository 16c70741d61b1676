from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.backup.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY database (a new SQLite file or a new PostgreSQL "
        "database) and empty media and private folders, with the version of the site that made it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by `manage.py backup`")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            manifest = backup_restore(path=path, progress=lambda message: self.stdout.write(f"  {message}..."))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created']} ({manifest['database']}): "
                f"{sum(manifest['rows'].values())} rows, {sum(manifest['files'].values())} files."
            )
        )
