"""python manage.py export_zim <course> --language fr -o course.zim: a course's learner content as a Kiwix ZIM file."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curriculum.models import CoursePage
from curriculum.selectors.languages import live_page
from lms.offline.zim import course_zim


class Command(BaseCommand):
    help = "Write a course in one language as a Kiwix ZIM file (learner content: no facilitator notes, no answers)."

    def add_arguments(self, parser):
        parser.add_argument("course", help="the course's slug (in any language) or translation key")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[code for code, _ in settings.LANGUAGES]
        )
        parser.add_argument("-o", "--output", type=Path, help="the file to write (default: <slug>.<language>.zim)")

    def handle(self, *args, course, language, output, **options):
        try:
            keys = [uuid.UUID(course)]
        except ValueError:
            keys = list(set(CoursePage.objects.filter(slug=course).values_list("translation_key", flat=True)))
        if len(keys) != 1:
            raise CommandError(f"No course, or more than one, is called {course!r}.")
        page = live_page(CoursePage, keys[0], language)
        if page is None:
            raise CommandError(f"The course {course!r} is not published in {language!r}.")
        output = output or Path(f"{page.slug}.{language}.zim")
        if output.exists():
            output.unlink()  # libzim refuses to write over a file
        facts = course_zim(page, output)
        self.stdout.write(
            f"{output}: {facts['pages']} lessons and quizzes, {facts['media']} images, {facts['bytes']:,} bytes"
        )
