from django.core.management.base import BaseCommand

from curriculum.locales import content_locales_sync


class Command(BaseCommand):
    help = (
        "Give every language in settings.LANGUAGES its content locale and a page tree mirroring the default "
        "language's (untranslated pages shown in the source language, with a notice), mirroring into every "
        "language what it lacks (`migrate` does so for new languages only). Safe at any time: it only adds."
    )

    def handle(self, *args, **options):
        report = content_locales_sync(mirror_all=True)
        for code in report.locales_created:
            self.stdout.write(f"  created the locale {code}")
        for code, count in report.pages_mirrored.items():
            self.stdout.write(f"  {code}: {count} page(s) shown in the source language until translated")
        if not report.locales_created and not report.pages_mirrored:
            self.stdout.write("Every language in settings has its locale and pages: nothing changed.")
