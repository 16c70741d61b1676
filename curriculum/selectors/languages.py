"""Pages across languages: which language a page's text is in (a page in the French tree may be an alias still
showing the English source), its versions in other languages, and the language switcher."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from wagtail.models import Locale, Page, Site

from curriculum.i18n import language_name, shipped_language_codes
from curriculum.selectors.generation import kept_per_generation, structure_generation


def locale_language(locale_id: int) -> str:
    """The language code of a locale, by its id, without a query per page (or per request): the locales, read once
    per process and structure generation (a locale added or changed moves the generation on, curriculum.signals)."""
    codes = kept_per_generation("locale-languages", lambda: dict(Locale.objects.values_list("pk", "language_code")))
    if locale_id not in codes:  # made since they were read, in this very request
        codes.update(Locale.objects.values_list("pk", "language_code"))
    return codes[locale_id]


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
        page.pk: source_language.get(page.alias_of_id) if page.alias_of_id else locale_language(page.locale_id)
        for page in pages
    }


def with_content_languages(pages: Iterable[Page]) -> list[tuple[Page, str]]:
    """Each page beside the language its text is written in (content_languages): in one query however many (a
    breadcrumb trail), none when no page is an alias."""
    pages = list(pages)
    languages = content_languages(pages)
    return [(page, languages[page.pk]) for page in pages]


def content_language(page: Page) -> str:
    return content_languages([page])[page.pk]


def written_versions(model=Page, keys: Iterable[uuid.UUID] | None = None) -> QuerySet:
    """The live versions of these translation keys (of every key, without `keys`) that are written in their own
    language: translations and sources, never aliases still showing another language's text."""
    versions = model.objects.live().filter(alias_of__isnull=True)
    return versions if keys is None else versions.filter(translation_key__in=set(keys))


def written_languages(key: uuid.UUID) -> set[str]:
    """The languages this page is written in (`written_versions`), from the cache until a page is published,
    unpublished, moved or deleted (curriculum.selectors.generation)."""
    cache_key = f"curriculum:written-languages:{structure_generation()}:{key}"
    languages = cache.get(cache_key)
    if languages is None:
        languages = set(written_versions(keys=[key]).values_list("locale__language_code", flat=True))
        cache.set(cache_key, languages, timeout=24 * 60 * 60)
    return languages


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


@dataclass
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool
    is_translated: bool


def language_links(page: Page, request) -> list[LanguageLink]:
    """One link per shipped language to this page in that language; untranslated ones show the source, marked.

    Read once per request and page (the switcher and the fallback notice both use it), and kept in the cache until a
    page is published, unpublished, moved or deleted (curriculum.selectors.generation), per site: the addresses are
    the visitor's site's.
    """
    remembered = request.__dict__.setdefault("_language_links", {})
    if page.pk not in remembered:
        site = Site.find_for_request(request)
        key = f"curriculum:language-links:{structure_generation()}:{page.pk}:{site.pk if site else 0}"
        links = cache.get(key)
        if links is None:
            links = _language_links(page, request)
            cache.set(key, links, timeout=24 * 60 * 60)
        remembered[page.pk] = links
    return remembered[page.pk]


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
