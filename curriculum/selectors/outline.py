"""A course's outline, a module's lessons, and a lesson's place in its course."""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from wagtail.models import Page, Site

from curriculum.models import CoursePage, Institute, LearningOutcome, LessonPage, ModulePage, QuizPage
from curriculum.selectors.elements import course_elements
from curriculum.selectors.generation import structure_generation
from curriculum.selectors.languages import content_languages
from curriculum.selectors.tree import course_of, parent_path


@dataclass
class OutlineItem:
    page: Page
    content_language: str


@dataclass
class OutlineModule:
    module: ModulePage | None  # None for the part holding a quiz on the whole course
    content_language: str
    lessons: list[OutlineItem]


def _items_under(page: Page) -> list[Page]:
    """Live lessons and quizzes below `page`, in tree order: two queries, whatever their number."""
    fields = ("id", "title", "slug", "path", "depth", "url_path", "locale", "alias_of", "translation_key")
    lessons = (
        LessonPage.objects.descendant_of(page)
        .live()
        .select_related("locale")
        .only(*fields, "estimated_minutes", "summary")
    )
    quizzes = QuizPage.objects.descendant_of(page).live().select_related("locale").only(*fields)
    return sorted([*lessons, *quizzes], key=lambda item: item.path)


def course_outline(course: CoursePage) -> list[OutlineModule]:
    """The course's live modules in order, each with its live lessons and quizzes, in a fixed number of queries, or
    from the cache until a page is published, unpublished, moved or deleted (curriculum.selectors.generation).

    A quiz on the whole course comes last, in a part of its own with no module page.
    """
    key = f"curriculum:outline:{structure_generation()}:{course.pk}"
    outline = cache.get(key)
    if outline is None:
        outline = _read_course_outline(course)
        cache.set(key, outline, timeout=24 * 60 * 60)
    return outline


def _read_course_outline(course: CoursePage) -> list[OutlineModule]:
    modules = list(ModulePage.objects.child_of(course).live().select_related("locale").order_by("path"))
    items = _items_under(course)
    languages = content_languages([*modules, *items])
    items_by_parent = defaultdict(list)
    for item in items:
        items_by_parent[parent_path(item.path)].append(OutlineItem(item, languages[item.pk]))
    outline = [OutlineModule(module, languages[module.pk], items_by_parent[module.path]) for module in modules]
    if items_by_parent[course.path]:
        outline.append(OutlineModule(None, course.locale.language_code, items_by_parent[course.path]))
    return outline


@dataclass
class CourseFacts:
    """What a course page shows of the course besides its outline, in the course's language."""

    elements: list  # the ILM elements its modules cover
    institute: Institute | None
    learning_outcomes: list[LearningOutcome]


def course_facts(course: CoursePage) -> CourseFacts:
    """Read in five queries once, then from the cache until the tree or what it shows changes (an element's or an
    institute's name: curriculum.selectors.generation)."""
    key = f"curriculum:course-facts:{structure_generation()}:{course.pk}"
    facts = cache.get(key)
    if facts is None:
        institute = course.institute
        facts = CourseFacts(
            elements=course_elements(course),
            institute=institute and (institute.get_translation_or_none(course.locale) or institute),
            learning_outcomes=list(course.learning_outcomes.all()),
        )
        cache.set(key, facts, timeout=24 * 60 * 60)
    return facts


def course_item(outline: list[OutlineModule], key: uuid.UUID) -> OutlineItem | None:
    """The lesson or quiz of this translation key in a course's outline (the page the outline already holds, and the
    language its text is written in)."""
    return next((item for part in outline for item in part.lessons if item.page.translation_key == key), None)


def module_lessons(module: ModulePage) -> list[OutlineItem]:
    items = _items_under(module)
    languages = content_languages(items)
    return [OutlineItem(item, languages[item.pk]) for item in items]


@dataclass(frozen=True)
class SequenceItem:
    """A lesson or quiz of a course's sequence, as the pager shows it: small enough to cache for every lesson."""

    pk: int
    title: str
    url: str
    depth: int
    translation_key: uuid.UUID  # the learner's state in it (lms's page part "pager_item")
    specific_class: type  # LessonPage or QuizPage: "Next lesson" or "Next quiz"
    language: str  # the language its text is written in (an alias shows its source's)


def course_sequence(course: Page, request) -> list[SequenceItem]:
    """The live lessons and quizzes of the course (in its language's tree), in order, as the pager needs them: read
    once (two queries) until a page is published, unpublished, moved or deleted (structure_generation), then from the
    cache. Addresses are those of the visitor's site, which is part of the key."""
    site = Site.find_for_request(request) if request is not None else None
    key = f"curriculum:sequence:{structure_generation()}:{course.pk}:{site.pk if site else 0}"
    sequence = cache.get(key)
    if sequence is None:
        items = _items_under(course)
        languages = content_languages(items)
        sequence = [
            SequenceItem(
                pk=item.pk,
                title=item.title,
                url=item.get_url(request),
                depth=item.depth,
                translation_key=item.translation_key,
                specific_class=type(item),
                language=languages[item.pk],
            )
            for item in items
        ]
        cache.set(key, sequence, timeout=24 * 60 * 60)
    return sequence


def lesson_position(item: Page, ancestors: list[Page], request=None) -> dict:
    """The lessons and quizzes before and after this one in its whole course (the course is among its ancestors),
    from the cached sequence of the course: no query of the course's items."""
    sequence = course_sequence(course_of(item, ancestors), request)
    siblings = [sibling for sibling in sequence if sibling.depth == item.depth]
    index = next((i for i, sibling in enumerate(siblings) if sibling.pk == item.pk), None)
    previous_lesson = siblings[index - 1] if index else None
    next_lesson = siblings[index + 1] if index is not None and index + 1 < len(siblings) else None
    lessons = [sibling.pk for sibling in siblings if sibling.specific_class is LessonPage]
    return {
        "previous_lesson": previous_lesson,
        # The pager says when a neighbour is still in another language (and marks its title so).
        "previous_lesson_language": previous_lesson.language if previous_lesson else None,
        "next_lesson": next_lesson,
        "next_lesson_language": next_lesson.language if next_lesson else None,
        # "Lesson 3 of 20" counts lessons only; a quiz page shows no number.
        "lesson_number": lessons.index(item.pk) + 1 if item.pk in lessons else None,
        "lesson_count": len(lessons),
    }
