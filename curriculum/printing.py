"""One source, several outputs: the print rendering of lessons and quizzes, beside their web rendering.

A workbook is a course or a module in one language: its pages in that language's tree (translations, or aliases
that still hold the source text, marked as such). Each block prints itself (its Meta.print_template, see
curriculum.blocks.PrintsItself); facilitator-only blocks print only in the facilitator edition, and quiz answers only
in its answer key.
"""

import hashlib
from dataclasses import dataclass, field

from wagtail.models import Page

from curriculum.models import CoursePage, LessonPage, ModulePage, QuizPage
from curriculum.selectors.elements import elements_in_locale
from curriculum.selectors.languages import content_languages
from curriculum.selectors.tree import parent_path
from curriculum.typography import typeset

LEARNER = "learner"
FACILITATOR = "facilitator"


def render_block_for_print(
    block, *, edition: str, language: str, number: int | None = None, content_language: str | None = None
) -> str:
    """A StreamField block (a lesson block or a quiz question) as it prints, from its own print template. The
    facilitator's parts leave the learner edition here, and only here."""
    if getattr(block.block.meta, "facilitator_only", False) and edition != FACILITATOR:
        return ""
    context = {"block_id": block.id, "edition": edition, "language": language, "number": number}
    context["LANGUAGE_CODE"] = language  # the edition's language, for the words a template adds (lang attributes)
    context["content_language"] = content_language or language  # the block's own text's (a fallback's source)
    return block.block.render_print(block.value, context)


@dataclass
class PrintItem:
    page: Page  # a LessonPage or a QuizPage, specific
    content_language: str
    blocks: list[str] = field(default_factory=list)  # a lesson's body or a quiz's questions, printed for one edition

    def render(self, *, edition: str, language: str) -> None:
        """Its blocks for one edition: a lesson's body, or a quiz's questions numbered from 1, typeset for the
        language they are written in (French spacing at print time too, as on the page)."""
        printing = {"edition": edition, "language": language, "content_language": self.content_language}
        if self.is_quiz:
            blocks = [
                render_block_for_print(block, number=number, **printing)
                for number, block in enumerate(self.page.questions, 1)
            ]
        else:
            blocks = [render_block_for_print(block, **printing) for block in self.page.body]
        self.blocks = [typeset(html, self.content_language) for html in blocks]

    @property
    def is_quiz(self) -> bool:
        return isinstance(self.page, QuizPage)


@dataclass
class PrintModule:
    page: ModulePage | None  # None for a course's final quiz
    content_language: str
    elements: list = field(default_factory=list)
    items: list[PrintItem] = field(default_factory=list)

    def activities(self, *, optional: bool = False):
        """(lesson item, activity value) in order: the module's session plan; with optional=True, the activities run
        only when time allows, which the plan lists apart. The item says which language the lesson is printed in."""
        for item in self.items:
            if not item.is_quiz:
                for block in item.page.body:
                    if block.block_type == "activity" and bool(block.value.get("optional")) == optional:
                        yield item, block.value

    def handouts(self, *, language: str) -> list[str]:
        """The module's handouts, each as a page of its own to copy, typeset for its language: printed after the
        module, for the session that uses them (and so that a lesson's "on page N" points within its module)."""
        pages = []
        for item in self.items:
            if not item.is_quiz:
                for block in item.page.body:
                    if block.block_type == "handout":
                        context = {
                            "block_id": block.id,
                            "lesson_title": item.page.title,
                            "content_language": item.content_language,
                            "LANGUAGE_CODE": language,
                        }
                        pages.append(typeset(block.block.render_annex(block.value, context), item.content_language))
        return pages

    @property
    def activity_minutes(self) -> int:
        """The plan's total: its activities that always run."""
        return sum(activity["duration_minutes"] or 0 for _lesson, activity in self.activities())


@dataclass
class Printable:
    root: Page  # the course or module being printed, in the workbook's language
    course: CoursePage
    modules: list[PrintModule]
    revision_stamp: str
    content_date: object

    @property
    def items(self):
        return [item for module in self.modules for item in module.items]

    @property
    def quizzes(self):
        return [item for item in self.items if item.is_quiz]

    def glossary(self) -> list[tuple[str, str, str]]:
        """(term, definition, the language it is written in) of every glossary term, once each, in order: a term of
        a lesson not yet translated comes in its source language, which the glossary marks."""
        terms = {}
        for item in self.items:
            if not item.is_quiz:
                for block in item.page.body:
                    if block.block_type == "glossary_term":
                        terms.setdefault(
                            block.value["term"].strip().casefold(),
                            (block.value["term"], block.value["definition"], item.content_language),
                        )
        return [terms[key] for key in sorted(terms)]


def printable(root: CoursePage | ModulePage) -> Printable:
    """Everything a workbook of `root` prints, read in a fixed number of queries."""
    course = root if isinstance(root, CoursePage) else CoursePage.objects.get(path=parent_path(root.path))
    modules_in_tree = (
        ModulePage.objects.filter(pk=root.pk) if isinstance(root, ModulePage) else ModulePage.objects.child_of(root)
    )
    # Each page's language is read from its locale: fetched with the page, not one query per page.
    module_pages = list(modules_in_tree.live().order_by("path").select_related("locale").prefetch_related("elements"))
    lessons = LessonPage.objects.descendant_of(root).live().select_related("locale")
    quizzes = QuizPage.objects.descendant_of(root).live().select_related("locale")
    items = sorted([*lessons, *quizzes], key=lambda page: page.path)
    languages = content_languages([*module_pages, *items])
    elements = elements_in_locale(root.locale)  # once for the whole workbook; each module's are prefetched
    modules = {
        module.path: PrintModule(
            module,
            languages[module.pk],
            [e for e in elements if e.translation_key in {m.translation_key for m in module.elements.all()}],
        )
        for module in module_pages
    }
    final = PrintModule(None, root.locale.language_code)
    for item in items:
        modules.get(parent_path(item.path), final).items.append(PrintItem(item, languages[item.pk]))
    ordered = list(modules.values()) + ([final] if final.items else [])

    stamp, content_date = content_version(root)
    return Printable(root=root, course=course, modules=ordered, revision_stamp=stamp, content_date=content_date)


def content_version(root: CoursePage | ModulePage) -> tuple[str, object]:
    """(stamp, date) of the content a workbook of `root` prints, in one query: any publish in the subtree, or of a
    source an alias mirrors, gives a new stamp, so a new workbook; the date is the latest of those publishes. What a
    download needs to find a workbook already built, without reading the course."""
    versions = list(
        Page.objects.descendant_of(root, inclusive=True)
        .live()
        .order_by("path")
        .values_list("id", "live_revision_id", "last_published_at", "alias_of__last_published_at")
    )
    stamp = hashlib.sha256(repr(versions).encode()).hexdigest()[:16]
    dates = [date for _id, _revision, published, source in versions for date in (published, source) if date]
    return stamp, max(dates, default=None)
