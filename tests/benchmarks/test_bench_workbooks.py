"""`make bench`: the demo course's workbook, the project's whole path against WeasyPrint alone on the same HTML: each
part's document (lms.workbooks.services.WorkbookParts) laid out and written by WeasyPrint's own writer, one file
each, where ours writes them into one PDF (lms.pdf.parts)."""

import statistics
import time
import tracemalloc
from collections import defaultdict

import pytest
from django.db import connection
from weasyprint import HTML

from curriculum.models import CoursePage
from curriculum.printing import printable
from lms.pdf.render import LOCAL_BASE_URL, LocalFilesOnly
from lms.workbooks import services
from lms.workbooks.services import WorkbookOrder

ROUNDS = 3


@pytest.mark.django_db
def test_course_workbook_against_weasyprint_alone():
    course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    order = WorkbookOrder(page_key=course.translation_key, language="fr", edition="facilitator")

    def whole_path():  # what a download costs when nothing is cached: read, write the HTML, lay out, write the PDF
        return services.workbook_render(printable(course), order)

    _pdf, pages = whole_path()
    parts = services.WorkbookParts(printable(course), order)
    numbers = defaultdict(lambda: "00")
    htmls = [
        parts.cover(),
        parts.contents(2, numbers),
        *(html(3) for _module, html in parts.modules()),
        *(html(3) for _name, html in parts.back()),
        *(
            parts.page_numbers(first, min(pages, first + services.PAGE_NUMBERS_AT_ONCE - 1), pages)
            for first in range(1, pages + 1, services.PAGE_NUMBERS_AT_ONCE)
        ),
    ]

    def weasyprint_alone():
        for html in htmls:
            HTML(string=html, base_url=LOCAL_BASE_URL, url_fetcher=LocalFilesOnly()).write_pdf(pdf_tags=True)

    weasyprint_alone()  # fonts and caches warm for both
    ours, alone = [], []
    for _round in range(ROUNDS):
        for render, timings in ((whole_path, ours), (weasyprint_alone, alone)):
            started = time.perf_counter()
            render()
            timings.append(time.perf_counter() - started)

    tracemalloc.start()
    whole_path()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    services.workbook_build(order)  # stored
    started = time.perf_counter()
    services.workbook_build(order)  # the next download only finds the file
    cached = time.perf_counter() - started

    our_time, alone_time = statistics.median(ours), statistics.median(alone)
    print(
        f"\n[bench] course workbook ({connection.vendor}, fr facilitator, {pages} pages, medians of {ROUNDS}): "
        f"ours {our_time:.2f} s vs WeasyPrint alone {alone_time:.2f} s = {our_time / alone_time:.2f}x (budget 1.3x) | "
        f"{pages / our_time:.1f} pages/s | peak Python memory {peak / 2**20:.0f} MiB | cached download "
        f"{cached * 1000:.0f} ms"
    )
