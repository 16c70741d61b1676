"""A very large workbook, built in a process of its own (`manage.py shell`) so that its peak resident memory is the
build's: the demo course's printable, its modules repeated until the workbook has about `pages` pages, written by
the same code as a download (lms.workbooks.services.workbook_render). Publishing hundreds of lessons through Wagtail
would take longer than the build and prove nothing more: WeasyPrint lays out the HTML, whatever tree it came from.

Prints one JSON line: pages, seconds (wall and CPU), peak resident memory (VmHWM, MiB) before and after the
build, PDF bytes.
"""

import copy
import json
import math
import resource
import sys
import time
from pathlib import Path

LANGUAGE = "fr"
EDITION = "facilitator"


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _repeated(book, copies: int):
    """The book with its modules `copies` times over; each copy's lessons get ids of their own, so that every
    anchor the contents point at exists once, as in a real course of that size."""
    modules = []
    for number in range(copies):
        for module in book.modules:
            twin = copy.copy(module)
            twin.items = []
            for item in module.items:
                page = copy.copy(item.page)
                page.pk = page.id = item.page.pk + 1_000_000 * number
                twin.items.append(copy.copy(item) if number == 0 else type(item)(page, item.content_language))
            modules.append(twin)
    return type(book)(
        root=book.root,
        course=book.course,
        modules=modules,
        revision_stamp=book.revision_stamp,
        content_date=book.content_date,
    )


def build(pages: int, pages_of_one: int) -> None:
    import logging

    from curriculum.models import CoursePage
    from curriculum.printing import printable
    from lms.workbooks import services

    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    source = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    course = CoursePage.objects.get(translation_key=source.translation_key, locale__language_code=LANGUAGE)
    order = services.WorkbookOrder(page_key=course.translation_key, language=LANGUAGE, edition=EDITION)
    book = _repeated(printable(course), max(1, math.ceil(pages / pages_of_one)))
    before = _peak_mib()
    started, cpu = time.perf_counter(), _cpu_seconds()
    pdf, printed = services.workbook_render(book, order)
    facts = {
        "pages": printed,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu,  # what the build cost, whatever else the machine was doing
        "peak_before_mib": before,
        "peak_mib": _peak_mib(),
        "bytes": len(pdf),
    }
    print(json.dumps(facts))
    sys.stdout.flush()
