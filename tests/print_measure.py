"""Measuring a printed workbook page by page, the way a facilitator looks at it: what each page holds and where.

Two readings of the same PDF. The text and where it sits come from the PDF itself (poppler's `pdftotext
-bbox-layout`: every line of text with its box, in points). What a text extractor cannot see (the border of an
activity box, its writing lines, where a page's content ends when it ends in writing lines) comes from the layout
WeasyPrint made that PDF from (read page by page as lms.pdf.parts draws it), box by box.
"""

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from bs4 import BeautifulSoup
from weasyprint.formatting_structure.boxes import MarginBox

PX_PER_PT = 96 / 72
# What stays with what follows it: a heading of any level, a quiz's "Quiz · Pass mark" line, a glossary term, the
# small capitals label above a box ("ACTIVITY") and a box's title.
HEADING_SELECTOR = "h1, h2, h3, h4, dt, .lesson-meta, .kind, .activity-title, .case-title, .callout-title"
FORCED_BREAKS = {"page", "left", "right", "recto", "verso"}


@dataclass
class Fragment:
    """The part of one element (an activity box) laid out on one page, in CSS px from the page's top edge."""

    element_id: str
    top: float  # its first line of text
    bottom: float  # its last line of text or writing line
    decoration: float  # its border and padding, above and below: what it would add whole


@dataclass
class PrintedPage:
    number: int  # from 1
    content_top: float  # CSS px from the page's top edge
    content_height: float
    content_bottom: float  # where the lowest thing printed in the page area ends, CSS px
    starts_chapter: bool  # its content begins with a forced page break (a module, lesson, glossary ...)
    lines: list[str] = field(default_factory=list)  # its body's lines of text, top to bottom, from the PDF
    line_starts: list[float] = field(default_factory=list)  # where each of those lines starts, points from the left
    header: str = ""  # the running header's text (above the page area), from the PDF
    footer: str = ""  # the page number, and the mark of an activity box that continues overleaf
    activities: list[Fragment] = field(default_factory=list)

    @property
    def fullness(self) -> float:
        return max(0.0, self.content_bottom - self.content_top) / self.content_height


@dataclass
class MeasuredWorkbook:
    pdf: bytes
    pages: list[PrintedPage]
    headings: set[str]  # every heading's text, spaces normalised and casefolded
    choices: list[str]  # every quiz choice printed beside a tick box, spaces normalised
    module_titles: list[str]  # the title of each module (each chapter of the course), in order

    def choices_wrapping_under_their_box(self) -> list[str]:
        """Choices whose text runs onto a second line that starts left of their first line's text (under the box)."""
        wrong = []
        for page in self.pages:
            for number, (line, left) in enumerate(zip(page.lines, page.line_starts, strict=True)):
                choice = next((c for c in self.choices if c.startswith(line) and len(c) > len(line) + 1), None)
                if (
                    choice
                    and number + 1 < len(page.lines)
                    and choice[len(line) :].strip().startswith(page.lines[number + 1].split(" ")[0].rstrip("‐-"))
                ) and abs(page.line_starts[number + 1] - left) > 1:
                    wrong.append(
                        f"page {page.number}: {choice[:40]!r} wraps from {left:.0f} to "
                        f"{page.line_starts[number + 1]:.0f} pt"
                    )
        return wrong

    def activities_across_pages(self) -> dict[str, list[tuple[PrintedPage, Fragment]]]:
        """The activity boxes printed on more than one page, each with its parts in page order."""
        fragments: dict[str, list[tuple[PrintedPage, Fragment]]] = {}
        for page in self.pages:
            for fragment in page.activities:
                fragments.setdefault(fragment.element_id, []).append((page, fragment))
        return {element_id: parts for element_id, parts in fragments.items() if len(parts) > 1}

    def split_activities(self) -> list[str]:
        """Activity boxes printed on more than one page although the box as a whole fits on one page."""
        split = []
        for element_id, parts in self.activities_across_pages().items():
            first_page, first = parts[0]
            whole = sum(fragment.bottom - fragment.top for _page, fragment in parts) + first.decoration
            # The sum leaves out the margins between the box's parts (a list's, its writing lines') that fell at the
            # break: a box measured within 5 % of a page is not one that "would fit".
            if whole < 0.95 * first_page.content_height:
                split.append(f"{element_id} on pages {', '.join(str(page.number) for page, _ in parts)}")
        return split

    def stranded_headings(self) -> list[str]:
        """Pages (other than the last) whose last line of text is a heading, its text on the next page."""
        stranded = []
        for page in self.pages[:-1]:
            if page.lines and self.is_heading(page.lines[-1]):
                stranded.append(f"page {page.number}: {page.lines[-1]!r}")
        return stranded

    def is_heading(self, line: str) -> bool:
        text = _normal(line)
        return text in self.headings or (len(text) >= 12 and any(heading.endswith(text) for heading in self.headings))

    def nearly_empty_pages(self, threshold: float = 0.2) -> list[str]:
        """Pages under `threshold` full, other than a chapter's last page (the next one starts a new chapter) and the
        cover."""
        nearly_empty = []
        for page, following in zip(self.pages[1:], self.pages[2:], strict=False):
            if not following.starts_chapter and page.fullness < threshold:
                nearly_empty.append(f"page {page.number}: {page.fullness:.0%} full")
        return nearly_empty


def _normal(text: str) -> str:
    return " ".join(unescape(text).split()).casefold()


def _headings(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    return {_normal(element.get_text(" ")) for element in soup.select(HEADING_SELECTOR)} - {""}


def _pdf_lines(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page: its lines of text as (top, left, text), in points from the page's top left corner, from poppler."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "workbook.pdf"
        path.write_bytes(pdf)
        xhtml = subprocess.run(
            ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    pages = []
    for page in re.finditer(r"<page [^>]*>(.*?)</page>", xhtml, re.S):
        lines = []
        for line in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', page.group(1), re.S):
            words = [unescape(word) for word in re.findall(r"<word[^>]*>(.*?)</word>", line.group(3), re.S)]
            lines.append((float(line.group(2)), float(line.group(1)), " ".join(_in_reading_order(words))))
        pages.append(sorted(lines))
    return pages


RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _in_reading_order(words: list[str]) -> list[str]:
    """A line's words as written. poppler lists them left to right as drawn, a right-to-left word with its letters
    reversed; in a line that holds right-to-left words, the words go right to left, runs of left-to-right words (an
    English title in an Arabic line) keeping their own order."""
    if not any(RIGHT_TO_LEFT.search(word) for word in words):
        return words
    runs: list[list[str]] = []
    for word in reversed(words):
        if RIGHT_TO_LEFT.search(word):
            runs.append([word[::-1]])
        elif runs and not RIGHT_TO_LEFT.search(runs[-1][-1]):
            runs[-1].insert(0, word)
        else:
            runs.append([word])
    return [word for run in runs for word in run]


def _leaves(box):
    children = list(getattr(box, "children", []) or [])
    if not children:
        yield box
    for child in children:
        yield from _leaves(child)


def _bottom(box) -> float:
    return box.border_box_y() + box.border_height()


def measure_workbook(book, order) -> MeasuredWorkbook:
    """Build the workbook as a download does, read each page's layout as it is drawn (lms.pdf.parts releases it
    then), and read the PDF it wrote page by page."""
    from lms.workbooks.services import workbook_html, workbook_render

    html = workbook_html(book, order)
    layouts = {}
    seen_elements: set = set()  # the elements themselves: each part's tree is freed once drawn, and ids come back

    def inspect(number, page):
        page_box = page._page_box
        boxes = [box for box in page_box.descendants() if getattr(box, "element", None) is not None]
        new_here = [box for box in boxes if box.element not in seen_elements]
        starts_chapter = any(
            box.style["break_before"] in FORCED_BREAKS and box.element.tag not in ("html", "body") for box in new_here
        )
        seen_elements.update(box.element for box in boxes)
        page_area = [child for child in page_box.children if not isinstance(child, MarginBox)]  # not header, footer
        leaves = [leaf for child in page_area for leaf in _leaves(child) if leaf.border_height() > 0]
        activities = {}  # the outermost box of each activity on this page (its lines share its element)
        for box in boxes:
            if "activity" in (box.element.get("class") or "").split() and box.element.get("id") not in activities:
                # From its first line of text to its last line or writing line: a box that breaks is stretched to
                # the foot of the page, and draws its border and padding again on each page (box-decoration-break),
                # so neither its height nor its edges say how tall it would be whole.
                printed = [leaf for leaf in _leaves(box) if leaf.border_height() > 0]
                top, bottom = min(leaf.border_box_y() for leaf in printed), max(_bottom(leaf) for leaf in printed)
                activities[box.element.get("id")] = Fragment(
                    box.element.get("id"),
                    top,
                    bottom,
                    box.border_top_width + box.padding_top + box.padding_bottom + box.border_bottom_width,
                )
        content_top = page_box.content_box_y()
        layouts[number] = (
            content_top,
            page_box.height,
            max((_bottom(leaf) for leaf in leaves), default=content_top),
            starts_chapter,
            list(activities.values()),
        )

    pdf, _count = workbook_render(book, order, inspect=inspect)
    text_pages = _pdf_lines(pdf)
    pages = []
    for number, lines in enumerate(text_pages, start=1):
        content_top, content_height, content_bottom, starts_chapter, activities = layouts[number]
        margin_pt = content_top / PX_PER_PT
        bottom_pt = (content_top + content_height) / PX_PER_PT
        body = [(left, text) for top, left, text in lines if margin_pt - 2 <= top <= bottom_pt]
        header = " ".join(text for top, _left, text in lines if top < margin_pt - 2)
        footer = " ".join(text for top, _left, text in lines if top > bottom_pt)
        pages.append(
            PrintedPage(
                number=number,
                content_top=content_top,
                content_height=content_height,
                content_bottom=content_bottom,
                starts_chapter=starts_chapter,
                lines=[text for _left, text in body],
                line_starts=[left for left, _text in body],
                header=header,
                footer=footer,
                activities=activities,
            )
        )
    soup = BeautifulSoup(html, "html.parser")
    choices = [" ".join(item.get_text(" ").split()) for item in soup.select(".boxes li")]
    return MeasuredWorkbook(
        pdf=pdf,
        pages=pages,
        headings=_headings(html),
        choices=[choice for choice in choices if choice],
        module_titles=[" ".join(title.get_text(" ").split()) for title in soup.select(".module > h2")],
    )
