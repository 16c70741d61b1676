"""A workbook laid out part by part (lms.pdf.parts) is still one document to its reader: one structure tree in
reading order, contents whose links and numbers lead where they say, an outline, "Page N of M" on every page but the
cover (drawn last, as an artifact), and each part's layout let go once it is drawn."""

import gc
import io
import re
import subprocess
import weakref
from collections import defaultdict

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from curriculum.models import CoursePage, ModulePage
from curriculum.printing import FACILITATOR, printable
from lms.pdf.parts import PdfInParts
from lms.pdf.render import layout_pdf
from lms.workbooks import services
from lms.workbooks.services import WorkbookOrder, WorkbookParts


@pytest.fixture(scope="module")
def workbook(django_db_setup, django_db_blocker):
    """(order, PDF bytes, page count, reader) of the demo course's English facilitator edition, built once for the
    tests that read it (seconds each)."""
    with django_db_blocker.unblock():
        course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
        order = WorkbookOrder(page_key=course.translation_key, language="en", edition=FACILITATOR)
        pdf, pages = services.workbook_render(printable(course), order)
    return order, pdf, pages, PdfReader(io.BytesIO(pdf))


def _first_module(course) -> ModulePage:
    return ModulePage.objects.child_of(course).order_by("path").first()


def _text_of_pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "workbook.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")[:-1]


def _page_index(reader: PdfReader, reference) -> int:
    return reader.get_page_number(reference.get_object()) if isinstance(reference, IndirectObject) else reference


def test_the_structure_tree_reads_in_page_order_the_contents_second(workbook):
    _order, _pdf, pages, reader = workbook
    assert len(reader.pages) == pages
    assert [page["/StructParents"] for page in reader.pages] == list(range(pages))
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    document = root["/K"][0].get_object()
    assert document["/S"] == "/Document"
    order = [reader.get_page_number(kid.get_object()["/Pg"].get_object()) for kid in document["/K"]]
    assert order == sorted(order), "the elements come in the pages' order, though the contents were drawn last"
    assert order[0] == 0 and 1 in order, "the cover first, then the contents"
    keys = root["/ParentTree"]["/Nums"][::2]
    assert keys == sorted(keys) and set(range(pages)) <= set(keys)


def test_the_contents_link_to_the_page_they_name(workbook, tmp_path):
    _order, pdf, _pages, reader = workbook
    names = reader.named_destinations
    contents_page = reader.pages[1]
    entries = []  # an entry's link is drawn as several areas (its title, its dotted leader, its number)
    for annotation in contents_page["/Annots"]:
        if not entries or entries[-1] != str(annotation.get_object()["/Dest"]):
            entries.append(str(annotation.get_object()["/Dest"]))
    assert len(entries) > 20
    lines = [line for line in _text_of_pages(pdf, tmp_path)[1].splitlines() if "Page 2 of" not in line]
    numbers = [int(number) for line in lines for number in re.findall(r"(\d+)\s*$", line)]
    targets = [reader.get_destination_page_number(names[name]) + 1 for name in entries]
    assert targets == numbers, "each entry's link leads to the page the entry names"


def test_the_outline_leads_to_each_module(workbook, demo_course, tmp_path):
    _order, pdf, _pages, reader = workbook
    text = _text_of_pages(pdf, tmp_path)

    def entries(outline):
        for entry in outline:
            if isinstance(entry, list):
                yield from entries(entry)
            else:
                yield entry.title, reader.get_destination_page_number(entry)

    found = {}
    for title, page in entries(reader.outline):
        found.setdefault(title, page)  # a module's title comes again in the session plans
    modules = printable(demo_course).modules
    for module in modules:
        if module.page:
            assert module.page.title in found, module.page.title
            below_the_header = text[found[module.page.title]].strip().split("\n", 1)[1]
            assert below_the_header.lstrip().startswith(module.page.title[:30]), module.page.title


def test_every_page_but_the_cover_says_its_number_and_the_total_as_an_artifact(workbook, tmp_path):
    _order, pdf, pages, reader = workbook
    text = _text_of_pages(pdf, tmp_path)
    assert "Page 1 of" not in text[0]
    for number in range(2, pages + 1):
        assert re.search(rf"Page {number} of {pages}\s*$", text[number - 1]), number
    for page in reader.pages:
        page_number_stream = page["/Contents"][1].get_object().get_data()
        assert re.match(rb"/Artifact\s+BMC", page_number_stream), "page numbers are pagination, not content"


def test_a_part_s_layout_is_let_go_once_its_pages_are_drawn(demo_course):
    """What bounds a long workbook's memory: nothing of a drawn part's boxes or tree stays (tests/benchmarks/
    test_bench_workbook_memory.py measures the peak)."""
    module = _first_module(demo_course)
    order = WorkbookOrder(page_key=module.translation_key, language="en", edition=FACILITATOR)
    parts = WorkbookParts(printable(module), order)
    pdf = PdfInParts(variant=services.WORKBOOK_PDF_VARIANT)
    pdf.add(layout_pdf(parts.cover(), image_cache=pdf.image_cache))
    _module, html = next(parts.modules())
    document = layout_pdf(html(2), image_cache=pdf.image_cache)
    page_boxes = [weakref.ref(page._page_box) for page in document.pages]
    pdf.add(document)
    del document
    gc.collect()
    assert len(page_boxes) > 3 and all(page_box() is None for page_box in page_boxes)


def test_contents_with_too_little_room_for_a_page_number_are_laid_out_again(demo_course):
    """The contents are laid out before the pages they count, with room for so many digits per number: a longer
    number sends the whole workbook round again with more room, so that no entry wraps other than where it was."""
    module = _first_module(demo_course)
    order = WorkbookOrder(page_key=module.translation_key, language="en")
    parts = WorkbookParts(printable(module), order)
    assert services.render_in_parts(parts, 1) is None, "the first module's workbook has two-digit page numbers"
    pdf, pages = services.render_in_parts(parts, 2)
    assert pages > 9 and PdfReader(io.BytesIO(pdf)).pages[0]


def test_the_whole_html_names_each_part_once(demo_course):
    order = WorkbookOrder(page_key=demo_course.translation_key, language="en", edition=FACILITATOR)
    html = services.workbook_html(printable(demo_course), order)
    counts = defaultdict(int)
    for part in re.findall(r'<(?:section|nav) class="(cover|toc|module|annex|glossary|session-plans)"', html):
        counts[part] += 1
    assert counts["cover"] == counts["toc"] == counts["glossary"] == counts["session-plans"] == 1
    assert counts["module"] == len(printable(demo_course).modules) and 1 <= counts["annex"] < counts["module"]
