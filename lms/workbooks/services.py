"""Workbooks: a course or module printed for a workshop, in one language and edition, cached per content version."""

import datetime
import hashlib
import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from curriculum.i18n import language_name, language_name_in, long_date
from curriculum.models import CoursePage, ModulePage
from curriculum.printing import FACILITATOR, LEARNER, Printable, content_version, printable
from curriculum.selectors.languages import live_page, written_versions
from curriculum.typography import typeset
from lms.anonymous_pages import forget_anonymous_pages
from lms.pdf.parts import PdfInParts
from lms.pdf.render import layout_pdf, print_direction
from lms.pdf.store import lease_seconds, pdf_exists, pdf_is_leased, pdf_lease, pdf_queue, pdf_save, pdf_unqueue

EDITIONS = (LEARNER, FACILITATOR)
PAPERS = {"a4": "A4", "letter": "letter"}
LOGO_RENDITION = "max-600x240"


@dataclass(frozen=True)
class WorkbookOrder:
    """Which workbook: the page (course or module) by translation_key, its language, edition and paper."""

    page_key: uuid.UUID
    language: str
    edition: str = LEARNER
    paper: str = "a4"

    def __post_init__(self):
        if self.edition not in EDITIONS or self.paper not in PAPERS or self.language not in dict(settings.LANGUAGES):
            raise ValueError(f"Not a workbook we print: {self}")


def workbook_root(order: WorkbookOrder) -> CoursePage | ModulePage | None:
    return live_page(CoursePage, order.page_key, order.language) or live_page(
        ModulePage, order.page_key, order.language
    )


def _css_string(text: str) -> str:
    """A CSS string literal that cannot end the string or the <style> element it sits in."""
    escaped = text.replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ").replace("\n", " ")
    return f'"{escaped}"'


def css_page_counter(total: int | None = None) -> str:
    """The translated "Page 3 of 40" as a CSS content value, for the page footer: of counter(pages), or of `total`
    when it is known (a workbook's page numbers are drawn a few pages at a time)."""
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", _("Page %(page)s of %(pages)s"))
    values = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)" if total is None else _css_string(str(total))}
    # Safe: built here from escaped strings; the template must not HTML-escape its quotes.
    return mark_safe(" ".join(values.get(part) or _css_string(part) for part in parts if part))  # noqa: S308


class WorkbookParts:
    """A workbook's HTML, a document per part (lms.pdf.parts lays each out on its own): the cover, the contents,
    each module followed by its handouts, and the back matter (glossary, session plans, answer key)."""

    def __init__(self, book: Printable, order: WorkbookOrder):
        self.book, self.order = book, order
        facilitator = order.edition == FACILITATOR
        with translation.override(order.language):
            for item in book.items:
                item.render(edition=order.edition, language=order.language)
            institute = book.course.institute.localized if book.course.institute_id else None
            root_language = next((m.content_language for m in book.modules), order.language)
            self.handouts = {id(module): module.handouts(language=order.language) for module in book.modules}
            self.context = {
                "book": book,
                "root": book.root,
                "root_language": root_language,
                # What the running header names on every page but the cover: the course (a module's workbook too).
                "running_course_title": typeset(book.course.title, root_language),
                "language": order.language,
                "language_name": language_name(order.language),  # "Français", as a label
                "language_in_sentence": language_name_in(order.language, order.language),  # "français", in a sentence
                **print_direction(order.language),
                "edition_label": _("Facilitator edition") if facilitator else _("Learner edition"),
                "facilitator": facilitator,
                "institute_name": institute.name if institute else "",
                "brand_colour": institute.print_colour if institute else "#000000",
                "logo_url": institute.logo.get_rendition(LOGO_RENDITION).url if institute and institute.logo_id else "",
                "content_date": long_date(book.content_date, order.language) if book.content_date else "",
                "has_fallback": any(item.content_language != order.language for item in book.items),
                # Nothing in the edition's language yet: the cover says so plainly, not "some parts".
                "all_fallback": all(item.content_language != order.language for item in book.items),
                "source_language": language_name_in(
                    next((item.content_language for item in book.items), order.language), order.language
                ),
                "modules_with_handouts": [module for module in book.modules if self.handouts[id(module)]],
                "glossary": book.glossary(),
                "session_plans": [
                    {
                        "title": module.page.title if module.page else _("Final quiz"),
                        "language": module.content_language if module.page else order.language,
                        "activities": list(module.activities()),
                        "optional_activities": list(module.activities(optional=True)),
                        "minutes": module.activity_minutes,
                    }
                    for module in book.modules
                ],
                "answer_keys": [
                    {
                        "title": quiz.page.title,
                        "language": quiz.content_language,
                        "answers": [q.block.correct_answer_text(q.value) for q in quiz.page.questions],
                    }
                    for quiz in book.quizzes
                ]
                if facilitator
                else [],
                "paper": PAPERS[order.paper],
                "LANGUAGE_CODE": order.language,
            }

    def _html(self, part: str, first_page: int = 1, **context) -> str:
        with translation.override(self.order.language):
            return render_to_string(
                "pdf/workbook.html", {**self.context, "part": part, "first_page": first_page, **context}
            )

    def cover(self) -> str:
        return self._html("cover")

    def contents(self, first_page: int, page_numbers: dict[str, str]) -> str:
        """The contents, each entry's page number written in from `page_numbers` (anchor name: number)."""
        html = self._html("contents", first_page)
        return re.sub(
            r'<a href="#([^"]+)"', lambda link: f'{link.group(0)} data-page="{page_numbers[link.group(1)]}"', html
        )

    def modules(self):
        """(module, function of its first page number giving its HTML), in order."""
        for number, module in enumerate(self.book.modules, 1):
            yield (
                module,
                lambda first_page, number=number, module=module: self._html(
                    "module", first_page, module=module, module_number=number, handouts=self.handouts[id(module)]
                ),
            )

    def back(self):
        """(name, function of its first page number giving its HTML) of each part after the modules: the glossary,
        and in the facilitator edition the session plans and the answer key; each only if it has something."""
        context = self.context
        for name, present in (
            ("glossary", context["glossary"]),
            ("session-plans", context["facilitator"]),
            ("answer-key", context["answer_keys"]),
        ):
            if present:
                yield name, lambda first_page, name=name: self._html(name, first_page)

    def page_numbers(self, first: int, last: int, total: int) -> str:
        """A document of blank pages but for their "Page 3 of 40", pages `first` to `last`, drawn over the
        workbook's."""
        with translation.override(self.order.language):
            counter = css_page_counter(total)
        return self._html("page-numbers", first, pages=range(first, last + 1), page_counter=counter)

    def whole(self) -> str:
        """Every part's HTML, one after the other (what tests read; not a document of its own)."""
        numbers = defaultdict(lambda: "0")
        return "\n".join(
            [
                self.cover(),
                self.contents(2, numbers),
                *(html(2) for _module, html in self.modules()),
                *(html(2) for _name, html in self.back()),
            ]
        )


def workbook_html(book: Printable, order: WorkbookOrder) -> str:
    return WorkbookParts(book, order).whole()


@lru_cache(maxsize=1)
def layout_fingerprint() -> str:
    """The print templates' contents: a deploy that changes how workbooks look makes fresh files too."""
    templates = Path(settings.BASE_DIR) / "templates"
    files = sorted([*(templates / "pdf").glob("workbook.*"), *(templates / "blocks" / "print").glob("*.html")])
    return hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()[:8]


def workbook_path(revision_stamp: str, order: WorkbookOrder) -> str:
    """Where this workbook is kept: a new publish gives a new revision stamp, so a fresh file."""
    name = f"{order.language}-{order.edition}-{order.paper}-{revision_stamp}-{layout_fingerprint()}.pdf"
    return f"workbooks/{order.page_key}/{name}"


def expected_workbook_path(order: WorkbookOrder, root: CoursePage | ModulePage) -> str:
    """Where the workbook of the content as it stands now is (or will be) kept: found from the content's version
    alone (one query), so that a download of a workbook already built is a file read, not a read of the course."""
    stamp, _date = content_version(root)
    return workbook_path(stamp, order)


def workbook_job(order: WorkbookOrder) -> str:
    """What a build is leased and queued under: the order, whatever content version the worker finds when it
    starts (so a worker holds it from its first step, and two versions of one workbook are not built at once)."""
    return f"workbooks/{order.page_key}/{order.language}-{order.edition}-{order.paper}"


class BuildAbandoned(Exception):
    """Recorded on the task of a background build whose worker died before finishing it."""


def _running_builds(order: WorkbookOrder) -> list[DBTaskResult]:
    from lms.workbooks.tasks import build_workbook  # the task module imports this one

    arguments = [str(order.page_key), order.language, order.edition, order.paper]
    return [
        task
        for task in DBTaskResult.objects.running().filter(task_path=build_workbook.module_path)
        if task.args_kwargs.get("args") == arguments
    ]


def _taken_but_never_leased(order: WorkbookOrder) -> bool:
    """A worker took the build off the queue and died before it leased it (a worker's first task imports the PDF
    code first, a second or so): the build's "queued" mark would hold every request back for QUEUED_SECONDS."""
    cutoff = timezone.now() - datetime.timedelta(seconds=2 * lease_seconds())
    return any(task.started_at and task.started_at < cutoff for task in _running_builds(order))


def workbook_builds_abandon(order: WorkbookOrder) -> int:
    """Close the task records of this workbook's builds still marked running although no live process holds their
    lease (their worker was killed), before the build is queued again. Returns how many."""
    abandoned = _running_builds(order)
    for task in abandoned:
        task.set_failed(BuildAbandoned(f"The worker building {workbook_job(order)} stopped; the build is queued again"))
    return len(abandoned)


WORKBOOK_PDF_VARIANT = "pdf/a-3u"

# A worker waits this long for another process building the same workbook (which renews its lease while alive).
WAIT_FOR_OTHER_BUILD = 10 * 60


FIGURE_SPACE = "\u2007"  # as wide as a digit
PAGE_NUMBERS_AT_ONCE = 100  # pages whose "Page 3 of 40" are laid out together: a thousand at once took 50 MiB


def _digits_for_page_numbers(book: Printable) -> int:
    """How many digits the contents leave for each page number, from a generous guess of the workbook's length
    (a lesson prints on about three pages): if a number turns out longer, the workbook is laid out again."""
    return len(str(10 + 6 * len(book.items)))


def workbook_render(book: Printable, order: WorkbookOrder, progress=None, inspect=None) -> tuple[bytes, int]:
    """The workbook's PDF and its page count, laid out part by part so that its memory does not grow with its length
    (lms.pdf.parts). `inspect(number, page)` sees each page's layout before it is released (tests measure it)."""
    report = progress or (lambda step, total, label: None)
    report(2, 4, _("Writing the pages"))
    parts = WorkbookParts(book, order)
    report(3, 4, _("Laying out the pages"))
    digits = _digits_for_page_numbers(book)
    while True:
        written = render_in_parts(parts, digits, inspect)
        if written is not None:
            return written
        digits += 1  # a page number was longer than the contents left it: lay out again with room for it


def render_in_parts(parts: WorkbookParts, digits: int, inspect=None) -> tuple[bytes, int] | None:
    """The workbook, its contents leaving `digits` digits per page number; None if a number needs more."""
    # PDF/A-3u like certificates: institutes keep workbooks in their archives, and the claim (checked in
    # tests/pdfa_check.py) means every character prints from an embedded font and the text copies as written.
    pdf = PdfInParts(variant=WORKBOOK_PDF_VARIANT)

    def layout(html):
        return layout_pdf(html, image_cache=pdf.image_cache)

    pdf.add(layout(parts.cover()), inspect)
    contents_start = len(pdf.pages) + 1
    placeholders = defaultdict(lambda: "0" * digits)
    pdf.set_aside(layout(parts.contents(contents_start, placeholders)))
    for _module, html in parts.modules():
        pdf.add(layout(html(len(pdf.pages) + 1)), inspect)
    for _name, html in parts.back():
        pdf.add(layout(html(len(pdf.pages) + 1)), inspect)
    numbers = {name: str(number) for name, number in pdf.anchor_pages().items()}
    if any(len(number) > digits for number in numbers.values()):
        return None
    padded = defaultdict(str, {name: number.rjust(digits, FIGURE_SPACE) for name, number in numbers.items()})
    pdf.draw_set_aside(layout(parts.contents(contents_start, padded)), inspect)
    total = len(pdf.pages)
    for first in range(1, total + 1, PAGE_NUMBERS_AT_ONCE):
        last = min(total, first + PAGE_NUMBERS_AT_ONCE - 1)
        pdf.overlay(layout(parts.page_numbers(first, last, total)), first=first)
    return pdf.pdf_bytes(), total


def workbook_build(order: WorkbookOrder, progress=None) -> str:
    """Render the workbook (if not already kept) and store it whole; returns its storage path."""
    report = progress or (lambda step, total, label: None)
    with pdf_lease(workbook_job(order), wait=WAIT_FOR_OTHER_BUILD):
        root = workbook_root(order)
        if root is None:
            raise LookupError(f"No published course or module {order.page_key}")
        report(1, 4, _("Reading the content"))
        if pdf_exists(path := expected_workbook_path(order, root)):
            report(4, 4, _("Already built"))
            return path
        book = printable(root)
        path = workbook_path(book.revision_stamp, order)  # its own stamp, should a publish have come in between
        pdf, pages = workbook_render(book, order, progress=report)
        pdf_save(path, pdf)
        cache.set(_facts_key(order), {"bytes": len(pdf), "pages": pages}, timeout=None)
        forget_anonymous_pages()  # the course and module pages now say how big this file is
        report(4, 4, _("Done"))
        return path


def _facts_key(order: WorkbookOrder) -> str:
    return f"workbook-facts:{workbook_job(order)}"


def workbook_facts(orders: list[WorkbookOrder]) -> dict[WorkbookOrder, dict]:
    """Size in bytes and page count of the last file built of each of these workbooks (any content version: an
    edit changes them little), for the orders built at least once; read from the cache in one round trip."""
    found = cache.get_many([_facts_key(order) for order in orders])
    return {order: found[_facts_key(order)] for order in orders if _facts_key(order) in found}


def workbook_enqueue(order: WorkbookOrder) -> bool:
    """Queue a build of this workbook unless one is queued or leased by a live process. True if queued now.

    A build whose worker died has let its lease lapse, so it is queued again (and its task record closed)."""
    from lms.workbooks.tasks import build_workbook  # the task module imports this one

    if not pdf_queue(job := workbook_job(order)):
        if pdf_is_leased(job) or not _taken_but_never_leased(order):
            return False  # queued, or being built by a live process
        pdf_unqueue(job)
        if not pdf_queue(job):
            return False  # another request got there first
    workbook_builds_abandon(order)
    try:
        build_workbook.enqueue(str(order.page_key), order.language, order.edition, order.paper)
    except Exception:
        pdf_unqueue(job)  # let the next request try again
        raise
    return True


def builds_in_background() -> bool:
    """Whether the "workbooks" queue has a worker of its own (settings.TASKS): then publishing builds every
    workbook of the course ahead of the first download. Run at once (development, tests), each publish would wait
    for a dozen PDFs, so the first download builds its file instead."""
    from django_tasks import task_backends

    return not task_backends["workbooks"].__class__.__name__.startswith("Immediate")


def workbooks_build_after_publish(page) -> list[WorkbookOrder]:
    """Queue every workbook (each language it is written in, both editions, both paper sizes) of the course and the
    module a just-published page belongs to. Returns what was queued."""
    ancestors = page.get_ancestors(inclusive=True).specific()
    roots = [ancestor for ancestor in ancestors if isinstance(ancestor, CoursePage | ModulePage)]
    queued = []
    for root in roots:
        languages = written_versions(keys=[root.translation_key]).values_list("locale__language_code", flat=True)
        for language in sorted(set(languages) & set(dict(settings.LANGUAGES))):
            for edition in EDITIONS:
                for paper in PAPERS:
                    order = WorkbookOrder(root.translation_key, language, edition, paper)
                    if workbook_enqueue(order):
                        queued.append(order)
    return queued


def workbooks_build_after_publish_safely(page) -> None:
    try:
        workbooks_build_after_publish(page)
    except Exception:
        logging.getLogger(__name__).exception("Could not queue the workbooks of %s after it was published", page)
