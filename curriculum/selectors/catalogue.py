"""The catalogue and institute sections: course cards, filters and search, leaving out what the visitor may not
see."""

import hashlib
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Substr
from django.http import QueryDict
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Locale, Page, PageViewRestriction

from curriculum.i18n import language_name, shipped_language_codes
from curriculum.models import CourseIndexPage, CoursePage, ILMElement, Institute, LessonPage, ModulePage
from curriculum.selectors.elements import elements_in_locale
from curriculum.selectors.generation import structure_generation
from curriculum.selectors.languages import content_languages, written_versions
from curriculum.selectors.tree import STEP, parent_path, under_any

# The card images' sizes, as templates/includes/course_cards.html asks them (srcset_image): prefetched with the cards,
# and made when a listing is read, so that a listing kept in the cache renders them without a query or a new file.
CARD_IMAGE_SPECS = Filter.expand_spec("fill-{360x169,640x300,960x450}|format-webp")
# Cards on one page of the catalogue: about 2 KB each, so a page stays far under 100 KB however many courses there are.
CATALOGUE_PAGE_SIZE = 20


@dataclass
class PageLinks:
    """Where a paged list is (page `number` of `count`) and the query strings of its previous and next pages, which
    keep every other parameter (search, filters) of the address."""

    number: int
    count: int
    previous_query: str | None
    next_query: str | None

    @classmethod
    def of(cls, page, params: Mapping, name: str = "page") -> "PageLinks":
        def query(number: int) -> str:
            kept = QueryDict(mutable=True)
            for key in params:
                if key != name:
                    kept.setlist(key, params.getlist(key) if hasattr(params, "getlist") else [params[key]])
            kept[name] = str(number)
            return "?" + kept.urlencode()

        return cls(
            number=page.number,
            count=page.paginator.num_pages,
            previous_query=query(page.previous_page_number()) if page.has_previous() else None,
            next_query=query(page.next_page_number()) if page.has_next() else None,
        )


def catalogue_page(language_code: str) -> Page | None:
    return CourseIndexPage.objects.live().filter(locale__language_code=language_code).order_by("path").first()


@dataclass
class CourseCard:
    course: CoursePage
    content_language: str
    institute: Institute | None = None
    elements: list[ILMElement] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    @property
    def institute_language(self) -> str:
        """The language the institute's name is written in (its source's, where not translated)."""
        return self.institute.locale.language_code if self.institute else self.content_language


def _modules_of(courses: list[CoursePage]):
    """Modules that are children of any of `courses` (siblings in one catalogue), in one query."""
    depths = {course.depth for course in courses}
    course_path_length = STEP * depths.pop() if len(depths) == 1 else None
    if course_path_length is None:
        return ModulePage.objects.filter(under_any([course.path for course in courses]))
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
    Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions(*CARD_IMAGE_SPECS)),
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
    ).select_related("locale")
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


def hidden_paths(request=None) -> list[str]:
    """The paths of the pages behind a view restriction (password, login, groups) the visitor has not passed (all of
    them without a request). One query, plus one per group restriction."""
    return sorted(
        restriction.page.path
        for restriction in PageViewRestriction.objects.select_related("page")
        if request is None or not restriction.accept_request(request)
    )


def visible_to(pages, request=None, hidden: list[str] | None = None):
    """`pages` without those behind a view restriction the visitor has not passed (`hidden_paths`, read here unless
    given): a listing or a search shows no title or summary of what the visitor cannot open."""
    hidden = hidden_paths(request) if hidden is None else hidden
    if not hidden:
        return pages
    return pages.exclude(under_any(hidden))


def _kept_listing(kind: str, page: Page, params: Mapping, hidden: list[str], read) -> dict:
    """A page of course cards, as `read()` gives it, from the cache while the tree and what it shows are unchanged
    (curriculum.selectors.generation): keyed by the listing's page, its whole query string (its links keep every
    parameter) and what the visitor may not see, so two visitors share it only when they would read the same."""
    query = params.urlencode() if hasattr(params, "urlencode") else "&".join(f"{k}={v}" for k, v in params.items())
    fingerprint = hashlib.sha256(f"{query}\n{'|'.join(hidden)}".encode()).hexdigest()
    key = f"curriculum:{kind}:{structure_generation()}:{page.pk}:{fingerprint}"
    listing = cache.get(key)
    if listing is None:
        listing = read()
        cache.set(key, listing, timeout=24 * 60 * 60)
    return listing


def catalogue(index_page: Page, *, params: Mapping, request=None) -> dict:
    """The catalogue page's courses, filtered by ?element=1-5, ?language=<code> and searched by ?q=, leaving out
    what the visitor may not see (`visible_to`), CATALOGUE_PAGE_SIZE at a time (?page=). Without a search, from the
    cache after the first visitor who may see the same (`_kept_listing`)."""
    locale = index_page.locale
    query = search_terms(params.get("q") or "")
    element = params.get("element") or ""
    element = int(element) if re.fullmatch(r"[1-5]", element) else None
    language = params.get("language") or ""
    language = language if language in shipped_language_codes() else None
    hidden = hidden_paths(request)

    def read() -> dict:
        courses = _with_card_relations(visible_to(CoursePage.objects.descendant_of(index_page).live(), hidden=hidden))
        if element:
            courses = courses.filter(path__in=_course_paths_covering_element(element, index_page))
        if language:
            translated_keys = written_versions(CoursePage).filter(locale__language_code=language)
            courses = courses.filter(translation_key__in=translated_keys.values("translation_key"))
        lessons = []
        if query:
            course_ids = list(courses.values_list("id", flat=True))
            course_paths = set(courses.values_list("path", flat=True))
            courses = list(CoursePage.objects.filter(id__in=course_ids).search(query))
            prefetch_related_objects(courses, *_CARD_PREFETCHES)
            # The search index cannot filter by several path prefixes, so the element and language filters are
            # applied to the best matches here.
            lessons = [
                lesson
                for lesson in visible_to(LessonPage.objects.live().descendant_of(index_page), hidden=hidden).search(
                    query
                )[:100]
                if parent_path(lesson.path, 2) in course_paths
            ][:20]
        else:
            courses = courses.order_by("path")
        listed = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(params.get("page"))
        return {
            "course_cards": course_cards(list(listed.object_list), locale),
            "course_count": listed.paginator.count,
            "catalogue_pages": PageLinks.of(listed, params),
            "lesson_results": lessons,
            "element_options": elements_in_locale(locale),
        }

    # A search is read for its visitor: its terms are anyone's, and too many to keep.
    listing = read() if query else _kept_listing("catalogue", index_page, params, hidden, read)
    return {
        **listing,
        "query": query,
        "selected_element": element,
        "selected_language": language,
        "language_options": [(code, language_name(code)) for code in shipped_language_codes()],
        "is_filtered": bool(query or element or language),
    }


def institute_section(section: Page, request=None, params: Mapping | None = None) -> dict:
    """An institute's page: the institute in the section's language and the cards of its published courses that the
    visitor may see, CATALOGUE_PAGE_SIZE at a time (?page=), from the cache as the catalogue's are."""
    params = params if params is not None else {}
    hidden = hidden_paths(request)

    def read() -> dict:
        institute = section.institute
        courses = visible_to(CoursePage.objects.child_of(section).live(), hidden=hidden)
        listed = Paginator(_with_card_relations(courses).order_by("path"), CATALOGUE_PAGE_SIZE).get_page(
            params.get("page")
        )
        return {
            "institute": institute.get_translation_or_none(section.locale) or institute,
            "course_cards": course_cards(list(listed.object_list), section.locale),
            "catalogue_pages": PageLinks.of(listed, params),
        }

    return _kept_listing("institute-section", section, params, hidden, read)


def course_cards(courses: list[CoursePage], locale: Locale) -> list[CourseCard]:
    """Each course with the elements its modules cover and the languages it is really translated into."""
    if not courses:
        return []
    for course in courses:
        if course.cover_image:  # any size not made yet is made now, and joins the prefetched ones
            course.cover_image.get_renditions(*CARD_IMAGE_SPECS)
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
    for key, code in written_versions(CoursePage, [course.translation_key for course in courses]).values_list(
        "translation_key", "locale__language_code"
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


def institute_courses(institute_keys: Iterable[uuid.UUID]) -> list[CoursePage]:
    """The published courses of these institutes, in the source language's tree (where their records are keyed): what
    a facilitator can run a workshop of."""
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
