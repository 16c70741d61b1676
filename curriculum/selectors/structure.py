"""Course structure, for lms/: which lessons and quizzes count, keyed by translation_key, cached until a page
changes (curriculum.selectors.generation)."""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from curriculum.models import CoursePage, LessonPage, ModulePage, QuizPage
from curriculum.selectors.generation import structure_generation
from curriculum.selectors.languages import written_versions
from curriculum.selectors.tree import parent_path, under_any


@dataclass
class ModuleStructure:
    key: uuid.UUID
    element_numbers: list[int]
    item_keys: list[uuid.UUID]  # its lessons and quizzes, in order


@dataclass
class CourseStructure:
    """A course as its source-language tree has it: what progress is counted against, in every language.

    Items are lessons and quizzes: a lesson counts when completed, a quiz when passed.
    """

    key: uuid.UUID
    modules: list[ModuleStructure]
    final_item_keys: list[uuid.UUID] = field(default_factory=list)  # a quiz on the whole course
    quiz_keys: list[uuid.UUID] = field(default_factory=list)  # which items are quizzes, in order

    @property
    def item_keys(self) -> list[uuid.UUID]:
        return [key for module in self.modules for key in module.item_keys] + self.final_item_keys


def _source_versions(model, keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, Page]:
    """The written version of each key, preferring the default language: the tree progress is counted on."""
    default_language = settings.LANGUAGE_CODE
    chosen = {}
    for page in written_versions(model, keys).select_related("locale"):
        current = chosen.get(page.translation_key)
        if current is None or (
            page.locale.language_code == default_language and current.locale.language_code != default_language
        ):
            chosen[page.translation_key] = page
    return chosen


def course_structures(course_keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, CourseStructure]:
    """The structures of many courses, from the cache when no page has changed since they were read."""
    course_keys = set(course_keys)
    generation = structure_generation()
    cache_keys = {key: f"curriculum:structure:{generation}:{key}" for key in course_keys}
    cached = cache.get_many(list(cache_keys.values()))
    structures = {key: cached[cache_key] for key, cache_key in cache_keys.items() if cache_key in cached}
    missing = course_keys - set(structures)
    if missing:
        read = _read_course_structures(missing)
        cache.set_many({cache_keys[key]: structure for key, structure in read.items()}, timeout=24 * 60 * 60)
        structures.update(read)
    return structures


def _read_course_structures(course_keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, CourseStructure]:
    """The live modules, lessons and quizzes of many courses in their source trees, in a fixed number of queries."""
    sources = _source_versions(CoursePage, course_keys)
    if not sources:
        return {}
    course_by_path = {course.path: key for key, course in sources.items()}
    course_paths = list(course_by_path)
    modules = list(
        ModulePage.objects.live()
        .filter(under_any(course_paths), depth=next(iter(sources.values())).depth + 1)
        .order_by("path")
        .values_list("id", "path", "translation_key")
    )
    element_numbers = defaultdict(list)
    for module_id, number in ModulePage.elements.through.objects.filter(
        modulepage_id__in=[module_id for module_id, _path, _key in modules]
    ).values_list("modulepage_id", "ilmelement__number"):
        element_numbers[module_id].append(number)
    quizzes = list(QuizPage.objects.live().filter(under_any(course_paths)).values_list("path", "translation_key"))
    items = sorted(
        [*LessonPage.objects.live().filter(under_any(course_paths)).values_list("path", "translation_key"), *quizzes]
    )
    items_by_parent = defaultdict(list)
    for path, key in items:
        items_by_parent[parent_path(path)].append(key)
    structures = {
        key: CourseStructure(key=key, modules=[], final_item_keys=items_by_parent[course.path])
        for key, course in sources.items()
    }
    for path, key in quizzes:
        course_key = course_by_path.get(parent_path(path)) or course_by_path.get(parent_path(path, 2))
        if course_key is not None:
            structures[course_key].quiz_keys.append(key)
    for module_id, path, key in modules:
        course_key = course_by_path.get(parent_path(path))
        if course_key is not None:
            structures[course_key].modules.append(
                ModuleStructure(
                    key=key, element_numbers=sorted(element_numbers[module_id]), item_keys=items_by_parent[path]
                )
            )
    return structures


def quiz_revision_live_on(quiz: QuizPage, day: datetime.date) -> int | None:
    """The id of the quiz revision that was live at the end of `day` (the one a workshop printed and used that day),
    else the live one."""
    end_of_day = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    published = (
        PageLogEntry.objects.filter(
            page_id=quiz.pk, action="wagtail.publish", revision__isnull=False, timestamp__lt=end_of_day
        )
        .order_by("-timestamp", "-pk")
        .values_list("revision_id", flat=True)
        .first()
    )
    return published or quiz.live_revision_id
