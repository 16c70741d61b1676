from django.core.management.base import BaseCommand

from curriculum.demo.loader import DemoLoader


class Command(BaseCommand):
    help = "Load the demo site and course from curriculum/demo/. Safe to run again: it only adds what is missing."

    def handle(self, *args, **options):
        report = DemoLoader().load()
        if not report.created:
            self.stdout.write("Demo content is already loaded: nothing changed.")
            return
        for line in report.created:
            self.stdout.write(f"  created {line}")
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {len(report.created)} item(s) created."))
