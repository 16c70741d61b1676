import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from curriculum.models import CoursePage, ModulePage
from lms.pdf.render import pdf_storage
from lms.workbooks.services import EDITIONS, PAPERS, WorkbookOrder, workbook_build


class Command(BaseCommand):
    help = "Build the PDF workbook of a course or module, e.g. for a print shop or a batch of workshops."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the course's or module's slug, in any language")
        parser.add_argument("--language", default="en")
        parser.add_argument("--edition", choices=EDITIONS, default="learner")
        parser.add_argument("--paper", choices=list(PAPERS), default="a4")
        parser.add_argument("-o", "--output", required=True, help="where to write the PDF")

    def handle(self, *args, slug, language, edition, paper, output, **options):
        page = (
            CoursePage.objects.live().filter(Q(slug=slug)).first()
            or ModulePage.objects.live().filter(Q(slug=slug)).first()
        )
        if page is None:
            raise CommandError(f"No published course or module has the slug {slug!r}.")
        try:
            order = WorkbookOrder(page_key=page.translation_key, language=language, edition=edition, paper=paper)
        except ValueError as error:
            raise CommandError(str(error)) from None
        path = workbook_build(order, progress=self.progress_bar)
        Path(output).write_bytes(pdf_storage().open(path, "rb").read())
        self.stdout.write(self.style.SUCCESS(f"Workbook written to {output}"))

    def progress_bar(self, step: int, total: int, label: str):
        filled = round(30 * step / total)
        stream = sys.stderr
        stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {step}/{total} {label:<30}")
        if step == total:
            stream.write("\n")
        stream.flush()
