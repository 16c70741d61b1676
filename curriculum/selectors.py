"""Reads of the curriculum. Page templates and lms/ call these; nothing here writes.

Every function returns what a page needs in a fixed number of queries, whatever the size of the course.
"""

import re
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Substr
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction

from curriculum.i18n import language_name, shipped_language_codes
from curriculum.models import CourseIndexPage, CoursePage, ILMElement, Institute, LessonPage, ModulePage, QuizPage

STEP = Page.steplen


def parent_path(path: str, generations: int = 1) -> str:
    return path[: -STEP * generations]


# --- content language: a page in the French tree may be an alias still showing the English source ----------------


def content_languages(pages: Iterable[Page]) -> dict[int, str]:
    """Map page id to the language its text is written in: its own locale, or its source's when it is an alias."""
    pages = list(pages)
    alias_sources = {page.alias_of_id for page in pages if page.alias_of_id}
    source_language = (
        dict(Page.objects.filter(id__in=alias_sources).values_list("id", "locale__language_code"))
        if alias_sources
        else {}
    )
    return {
        page.pk: source_language.get(page.alias_of_id) if page.alias_of_id else page.locale.language_code
        for page in pages
    }


def content_language(page: Page) -> str:
    return content_languages([page])[page.pk]


# --- ILM elements --------------------------------------------------------------------------------------------------


def elements_in_locale(locale: Locale) -> list[ILMElement]:
    """The five elements in `locale`, falling back to the default language for any not translated."""
    default = Locale.get_default()
    by_key = {}
    for element in ILMElement.objects.filter(locale__in=[locale.pk, default.pk]).order_by("number"):
        if element.locale_id == locale.pk or element.translation_key not in by_key:
            by_key[element.translation_key] = element
    return sorted(by_key.values(), key=lambda element: element.number)


def localize_elements(elements: Iterable[ILMElement], locale: Locale) -> list[ILMElement]:
    wanted = {element.translation_key for element in elements}
    return [element for element in elements_in_locale(locale) if element.translation_key in wanted]


def course_elements(course: CoursePage) -> list[ILMElement]:
    covered = ILMElement.objects.filter(modules__in=ModulePage.objects.child_of(course).live()).distinct()
    return localize_elements(covered, course.locale)


# --- translations of a page, for the language switcher ------------------------------------------------------------


@dataclass
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool
    is_translated: bool


def language_links(page: Page, request) -> list[LanguageLink]:
    """One link per shipped language to this page in that language; untranslated ones show the source, marked.

    Computed once per request and page: the switcher and the fallback notice both use it.
    """
    cached = request.__dict__.setdefault("_language_links", {})
    if page.pk not in cached:
        cached[page.pk] = _language_links(page, request)
    return cached[page.pk]


def _language_links(page: Page, request) -> list[LanguageLink]:
    versions = {
        version.locale.language_code: version
        for version in Page.objects.filter(translation_key=page.translation_key).live().select_related("locale")
    }
    current = page.locale.language_code
    links = []
    for code in shipped_language_codes():
        version = versions.get(code)
        url = f"/{code}/" if version is None else version.get_url(request)
        links.append(
            LanguageLink(
                code=code,
                name=language_name(code),
                url=url,
                is_current=code == current,
                is_translated=version is not None and version.alias_of_id is None,
            )
        )
    return links


def catalogue_page(language_code: str) -> Page | None:
    return CourseIndexPage.objects.live().filter(locale__language_code=language_code).order_by("path").first()


# --- the catalogue ---------------------------------------------------------------------------------------------------


CARD_IMAGE_SPEC = "fill-640x300"


@dataclass
class CourseCard:
    course: CoursePage
    content_language: str
    institute: Institute | None = None
    elements: list[ILMElement] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def _modules_of(courses: list[CoursePage]):
    """Modules that are children of any of `courses` (siblings in one catalogue), in one query."""
    depths = {course.depth for course in courses}
    course_path_length = STEP * depths.pop() if len(depths) == 1 else None
    if course_path_length is None:
        return ModulePage.objects.filter(
            Q.create([("path__startswith", course.path) for course in courses], connector=Q.OR)
        )
    return ModulePage.objects.annotate(course_path=Substr("path", 1, course_path_length)).filter(
        course_path__in=[course.path for course in courses]
    )


def _course_paths_covering_element(number: int, within: Page) -> list[str]:
    module_paths = (
        ModulePage.objects.descendant_of(within).live().filter(elements__number=number).values_list("path", flat=True)
    )
    return sorted({parent_path(path) for path in module_paths})


_CARD_PREFETCHES = [
    "locale",
    Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions(CARD_IMAGE_SPEC)),
]


def _with_card_relations(courses):
    return courses.select_related("locale").prefetch_related(*_CARD_PREFETCHES)


def _institutes_in_locale(courses: list[CoursePage], locale: Locale) -> dict[int, Institute]:
    """Each course's institute, in `locale` where translated: one query for all cards."""
    institute_ids = {course.institute_id for course in courses if course.institute_id}
    if not institute_ids:
        return {}
    institutes = Institute.objects.filter(
        Q(pk__in=institute_ids)
        | Q(translation_key__in=Institute.objects.filter(pk__in=institute_ids).values("translation_key"), locale=locale)
    )
    by_id = {institute.pk: institute for institute in institutes}
    localized = {
        institute.translation_key: institute for institute in by_id.values() if institute.locale_id == locale.pk
    }
    return {
        course.pk: localized.get(by_id[course.institute_id].translation_key, by_id[course.institute_id])
        for course in courses
        if course.institute_id in by_id
    }


def search_terms(text: str) -> str:
    """Words only: quotes, operators and control characters mean something to the search engines, not to learners."""
    return " ".join(re.sub(r"[^\w'’-]+", " ", text).split())[:200]


def visible_to(pages, request=None):
    """`pages` without those behind a view restriction (password, login, groups) the visitor has not passed: a
    listing or a search shows no title or summary of what the visitor cannot open. Without a request, without any
    restricted page. One query, plus one per group restriction."""
    hidden = [
        restriction.page.path
        for restriction in PageViewRestriction.objects.select_related("page")
        if request is None or not restriction.accept_request(request)
    ]
    if not hidden:
        return pages
    return pages.exclude(Q.create([("path__startswith", path) for path in hidden], connector=Q.OR))


def catalogue(index_page: Page, *, params: Mapping, request=None) -> dict:
    """The catalogue page's courses, filtered by ?element=1-5, ?language=<code> and searched by ?q=, leaving out
    what the visitor may not see (`visible_to`)."""
    locale = index_page.locale
    query = search_terms(params.get("q") or "")
    element = params.get("element") or ""
    element = int(element) if re.fullmatch(r"[1-5]", element) else None
    language = params.get("language") or ""
    language = language if language in shipped_language_codes() else None

    courses = _with_card_relations(visible_to(CoursePage.objects.descendant_of(index_page).live(), request))
    if element:
        courses = courses.filter(path__in=_course_paths_covering_element(element, index_page))
    if language:
        translated_keys = CoursePage.objects.live().filter(locale__language_code=language, alias_of__isnull=True)
        courses = courses.filter(translation_key__in=translated_keys.values("translation_key"))
    lessons = []
    if query:
        course_ids = list(courses.values_list("id", flat=True))
        course_paths = set(courses.values_list("path", flat=True))
        courses = list(CoursePage.objects.filter(id__in=course_ids).search(query))
        prefetch_related_objects(courses, *_CARD_PREFETCHES)
        # The search index cannot filter by several path prefixes, so the element and language filters are applied
        # to the best matches here.
        lessons = [
            lesson
            for lesson in visible_to(LessonPage.objects.live().descendant_of(index_page), request).search(query)[:100]
            if parent_path(lesson.path, 2) in course_paths
        ][:20]
    else:
        courses = list(courses.order_by("path"))

    return {
        "course_cards": course_cards(courses, locale),
        "lesson_results": lessons,
        "query": query,
        "selected_element": element,
        "selected_language": language,
        "element_options": elements_in_locale(locale),
        "language_options": [(code, language_name(code)) for code in shipped_language_codes()],
        "is_filtered": bool(query or element or language),
    }


def institute_section(section: Page, request=None) -> dict:
    """An institute's page: the institute in the section's language and the cards of its published courses that the
    visitor may see."""
    institute = section.institute
    courses = visible_to(CoursePage.objects.child_of(section).live(), request)
    courses = list(_with_card_relations(courses).order_by("path"))
    return {
        "institute": institute.get_translation_or_none(section.locale) or institute,
        "course_cards": course_cards(courses, section.locale),
    }


def course_cards(courses: list[CoursePage], locale: Locale) -> list[CourseCard]:
    """Each course with the elements its modules cover and the languages it is really translated into."""
    if not courses:
        return []
    languages = content_languages(courses)
    institutes = _institutes_in_locale(courses, locale)
    element_by_key = {element.translation_key: element for element in elements_in_locale(locale)}
    module_elements = ModulePage.elements.through.objects.filter(
        modulepage__in=_modules_of(courses).filter(live=True)
    ).values_list("modulepage__path", "ilmelement__translation_key")
    covered = defaultdict(set)
    for module_path, element_key in module_elements:
        covered[parent_path(module_path)].add(element_key)
    translated_into = defaultdict(list)
    for key, code in (
        CoursePage.objects.live()
        .filter(translation_key__in=[course.translation_key for course in courses], alias_of__isnull=True)
        .values_list("translation_key", "locale__language_code")
    ):
        translated_into[key].append(code)
    order = shipped_language_codes()
    return [
        CourseCard(
            course=course,
            content_language=languages[course.pk],
            institute=institutes.get(course.pk),
            elements=sorted(
                (element_by_key[key] for key in covered[course.path] if key in element_by_key),
                key=lambda element: element.number,
            ),
            languages=sorted(translated_into[course.translation_key], key=order.index),
        )
        for course in courses
    ]


# --- a course's outline and a lesson's place in it -------------------------------------------------------------------


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
    """The course's live modules in order, each with its live lessons and quizzes, in a fixed number of queries.

    A quiz on the whole course comes last, in a part of its own with no module page.
    """
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


def module_lessons(module: ModulePage) -> list[OutlineItem]:
    items = _items_under(module)
    languages = content_languages(items)
    return [OutlineItem(item, languages[item.pk]) for item in items]


def lesson_position(item: Page, ancestors: list[Page]) -> dict:
    """The lessons and quizzes before and after this one in its whole course (the course is among its ancestors)."""
    course = ancestors[-2]
    siblings = [sibling for sibling in _items_under(course) if sibling.depth == item.depth]
    index = next((i for i, sibling in enumerate(siblings) if sibling.pk == item.pk), None)
    previous_lesson = siblings[index - 1] if index else None
    next_lesson = siblings[index + 1] if index is not None and index + 1 < len(siblings) else None
    lessons = [sibling.pk for sibling in siblings if isinstance(sibling, LessonPage)]
    return {
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        # "Lesson 3 of 20" counts lessons only; a quiz page shows no number.
        "lesson_number": lessons.index(item.pk) + 1 if item.pk in lessons else None,
        "lesson_count": len(lessons),
    }


# --- course structure, for lms/: which lessons and quizzes count, keyed by translation_key ---------------------------


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
    """The live, non-alias version of each key, preferring the default language: the tree progress is counted on."""
    default_language = settings.LANGUAGE_CODE
    chosen = {}
    for page in (
        model.objects.live().filter(translation_key__in=set(keys), alias_of__isnull=True).select_related("locale")
    ):
        current = chosen.get(page.translation_key)
        if current is None or (
            page.locale.language_code == default_language and current.locale.language_code != default_language
        ):
            chosen[page.translation_key] = page
    return chosen


def _under_any(paths: list[str]) -> Q:
    return Q.create([("path__startswith", path) for path in paths], connector=Q.OR)


STRUCTURE_GENERATION = "curriculum:structure-generation"


def _fresh_generation() -> int:
    # Never a number used before: if the cache dropped the counter, old entries must not come back.
    return time.time_ns()


def _next_structure_generation() -> None:
    try:
        cache.incr(STRUCTURE_GENERATION)
    except ValueError:
        cache.set(STRUCTURE_GENERATION, _fresh_generation(), None)


def forget_course_structures(**_signal_kwargs) -> None:
    """A page was published, unpublished, moved or deleted: every cached course structure is now stale.

    Again once the change is committed, in case a request cached the old structure in between.
    """
    _next_structure_generation()
    transaction.on_commit(_next_structure_generation)


def course_structures(course_keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, CourseStructure]:
    """The structures of many courses, from the cache when no page has changed since they were read."""
    course_keys = set(course_keys)
    generation = cache.get_or_set(STRUCTURE_GENERATION, _fresh_generation, None)
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
        .filter(_under_any(course_paths), depth=next(iter(sources.values())).depth + 1)
        .order_by("path")
        .values_list("id", "path", "translation_key")
    )
    element_numbers = defaultdict(list)
    for module_id, number in ModulePage.elements.through.objects.filter(
        modulepage_id__in=[module_id for module_id, _path, _key in modules]
    ).values_list("modulepage_id", "ilmelement__number"):
        element_numbers[module_id].append(number)
    quizzes = list(QuizPage.objects.live().filter(_under_any(course_paths)).values_list("path", "translation_key"))
    items = sorted(
        [*LessonPage.objects.live().filter(_under_any(course_paths)).values_list("path", "translation_key"), *quizzes]
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


def pages_in_language(model, keys: Iterable[uuid.UUID], language_code: str) -> dict[uuid.UUID, Page]:
    """Live pages for these translation keys in the visitor's language tree (translations or aliases)."""
    return {
        page.translation_key: page
        for page in model.objects.live().filter(translation_key__in=set(keys), locale__language_code=language_code)
    }


def live_page(model, key: uuid.UUID, language_code: str):
    """A published page of `model` in the visitor's language (or any, if that language has none), else None."""
    return (
        model.objects.live().filter(translation_key=key, locale__language_code=language_code).first()
        or model.objects.live().filter(translation_key=key).order_by("id").first()
    )


def course_of(item: Page) -> CoursePage:
    """The course a lesson or quiz belongs to (a quiz on the whole course sits right under it)."""
    return CoursePage.objects.filter(path__in=[parent_path(item.path), parent_path(item.path, 2)]).get()


def url_in_language(request, url: str, language_code: str) -> str:
    """The same place in another language: a page's translation (its slugs differ), or the same view's URL."""
    from django.urls import translate_url
    from django.utils import translation
    from django.utils.http import url_has_allowed_host_and_scheme

    # A relative address ("0", "learning") is no place of this site's, and redirect() would take it for the name of
    # a view to reverse (a server error).
    if not url.startswith("/") or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "/"
    path_language = translation.get_language_from_path(url) or translation.get_language()
    with translation.override(path_language):
        prefix = f"/{path_language}"
        page = None
        if url.startswith(prefix + "/"):
            route = Page.route_for_request(request, url.split("?")[0].removeprefix(prefix))
            page = route[0] if route else None
    if page is not None:
        version = (
            Page.objects.live()
            .filter(translation_key=page.translation_key, locale__language_code=language_code)
            .first()
        )
        if version is not None:
            return version.get_url(request) or url
    return translate_url(url, language_code)


def course_snapshot(course: CoursePage) -> dict:
    """What a certificate records of a course, in every language it really exists in: titles, institute names and
    signatory, the ILM elements its modules cover, and its hours."""
    versions = CoursePage.objects.live().filter(translation_key=course.translation_key, alias_of__isnull=True)
    titles = {version.locale.language_code: version.title for version in versions.select_related("locale")}
    institute = {}
    if course.institute_id:
        translations = Institute.objects.filter(translation_key=course.institute.translation_key).select_related(
            "locale"
        )
        source = course.institute
        institute = {
            "names": {item.locale.language_code: item.name for item in translations},
            "signatory_name": source.signatory_name,
            "signatory_title": source.signatory_title,
            "signatory_titles": {item.locale.language_code: item.signatory_title for item in translations},
            "brand_colour": source.brand_colour,
            "logo": source.logo.get_rendition("max-400x200").url if source.logo_id else "",
            "signature": source.signature.get_rendition("max-400x160").url if source.signature_id else "",
        }
    structure = course_structures([course.translation_key]).get(course.translation_key)
    numbers = sorted({number for module in structure.modules for number in module.element_numbers}) if structure else []
    elements = []
    for number in numbers:
        versions_of_element = ILMElement.objects.filter(number=number).select_related("locale")
        elements.append({"number": number, "titles": {e.locale.language_code: e.title for e in versions_of_element}})
    return {"titles": titles, "institute": institute, "elements": elements, "hours": course.estimated_hours}


# --- workshops: what a facilitator plans and records against ---------------------------------------------------------


def institute_courses(institute_keys: Iterable[uuid.UUID]) -> list[CoursePage]:
    """The published courses of these institutes, in the source language's tree (where their records are keyed)."""
    return list(
        CoursePage.objects.live()
        .filter(
            institute__translation_key__in=list(institute_keys),
            locale__language_code=settings.LANGUAGE_CODE,
            alias_of__isnull=True,
        )
        .select_related("locale", "institute")
        .order_by("title")
    )


def quiz_revision_live_on(quiz: QuizPage, day) -> int | None:
    """The id of the quiz revision that was live at the end of `day` (the one a workshop printed and used that day),
    else the live one."""
    import datetime

    from django.utils import timezone
    from wagtail.models import PageLogEntry

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
