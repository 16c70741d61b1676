"""The demo course's workbooks measured page by page, in every language and both editions: no activity box split
where it would fit on one page, no heading left as a page's last line, no page under a fifth full but a chapter's
last (tests/print_measure.py reads the PDF and the layout it was written from)."""

import logging

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from curriculum.models import CoursePage
from curriculum.printing import FACILITATOR, LEARNER, printable
from lms.workbooks.services import WorkbookOrder
from tests.print_measure import MeasuredWorkbook, measure_workbook

BOOKS = [
    pytest.param(language, edition, id=f"{language}-{edition}", marks=pytest.mark.xdist_group(f"print-{language}"))
    for language, _name in settings.LANGUAGES
    for edition in (LEARNER, FACILITATOR)
]


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """measured(language, edition): the demo course's A4 workbook, built and measured once for this module's
    tests (each workbook takes seconds to lay out)."""
    built: dict[tuple[str, str], MeasuredWorkbook] = {}

    def measure(language: str, edition: str) -> MeasuredWorkbook:
        if (language, edition) not in built:
            with django_db_blocker.unblock():
                course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
                order = WorkbookOrder(page_key=course.translation_key, language=language, edition=edition)
                root = CoursePage.objects.get(translation_key=course.translation_key, locale__language_code=language)
                book = printable(root)
            weasyprint_log = logging.getLogger("weasyprint")
            level = weasyprint_log.level
            weasyprint_log.setLevel(logging.CRITICAL)  # the logo's missing alt text is logged on every build
            try:
                with django_db_blocker.unblock():
                    built[language, edition] = measure_workbook(book, order)
            finally:
                weasyprint_log.setLevel(level)
        return built[language, edition]

    return measure


@pytest.mark.parametrize(("language", "edition"), BOOKS)
def test_no_activity_box_is_split_where_it_fits_on_one_page(measured, language, edition):
    assert measured(language, edition).split_activities() == []


@pytest.mark.parametrize(("language", "edition"), BOOKS)
def test_an_activity_longer_than_a_page_says_at_each_break_that_it_continues(measured, language, edition):
    with translation.override(language):
        mark = gettext("The activity continues on the next page")
    book = measured(language, edition)
    for element_id, parts in book.activities_across_pages().items():
        for page, _fragment in parts[:-1]:
            assert mark in page.footer, (element_id, page.number, page.footer)
        assert mark not in parts[-1][0].footer, (element_id, parts[-1][0].number)
    assert not any(mark in page.footer for page in book.pages if not page.activities)


@pytest.mark.parametrize(("language", "edition"), BOOKS)
def test_no_heading_is_the_last_line_of_a_page(measured, language, edition):
    assert measured(language, edition).stranded_headings() == []


@pytest.mark.parametrize(("language", "edition"), BOOKS)
def test_no_page_is_under_a_fifth_full_but_a_chapters_last(measured, language, edition):
    assert measured(language, edition).nearly_empty_pages() == []


@pytest.mark.parametrize(("language", "edition"), BOOKS)
def test_the_contents_fit_on_one_page(measured, language, edition):
    """The contents are page 2; page 3 starts the first module (never one contents line alone on it)."""
    book = measured(language, edition)
    third_page = " ".join(" ".join(book.pages[2].lines).split())
    assert book.pages[2].starts_chapter and third_page.startswith(" ".join(book.module_titles[0].split()))


@pytest.mark.parametrize(("language", "edition"), BOOKS)
def test_the_parts_after_the_last_module_carry_their_own_running_header(measured, language, edition):
    """The glossary's pages (and the session plans', the answer key's) are headed by their own title, not by the last
    module's."""
    with translation.override(language):
        parts = [gettext("Glossary"), *([gettext("Session plans"), gettext("Answer key")] * (edition == FACILITATOR))]
    book = measured(language, edition)
    part_of_page = {}
    for page in book.pages:
        if page.starts_chapter:
            part_of_page[page.number] = page.lines[0] if page.lines and page.lines[0] in parts else None
        else:
            part_of_page[page.number] = part_of_page.get(page.number - 1)
    headed = {page.number: page.header for page in book.pages if part_of_page[page.number]}
    assert {part_of_page[number] for number in headed} == set(parts)
    for number, header in headed.items():
        assert part_of_page[number] in header and book.module_titles[-1] not in header, (number, header)


@pytest.mark.parametrize(("language", "edition"), BOOKS)
def test_a_wrapped_choice_hangs_past_its_tick_box(measured, language, edition):
    assert measured(language, edition).choices_wrapping_under_their_box() == []
