"""Language names and directions, for switchers and notices (names are written in their own language, by Babel),
and the same place of the site in another language."""

import re
from functools import cache

from babel import Locale as BabelLocale
from babel.dates import format_date
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info, gettext
from wagtail.models import Page

# CLDR names Indonesian "Indonesia", the country's name; its speakers name the language Bahasa Indonesia.
OWN_NAMES = {"id": "Bahasa Indonesia"}


@cache
def language_name(code: str) -> str:
    """ "Français" for fr, "Español" for es: a language is named the way its speakers write it."""
    if code in OWN_NAMES:
        return OWN_NAMES[code]
    name = BabelLocale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    return name[:1].upper() + name[1:]


@cache
def language_name_in(code: str, in_language: str) -> str:
    """The name of `code` as written in `in_language` ("anglais" for en in fr), for sentences in running text."""
    return BabelLocale.parse(code.replace("-", "_")).get_display_name(in_language.replace("-", "_")) or code


# French writes the first day of a month as an ordinal, "1er décembre" (and "du 30 novembre au 1er décembre"), and so
# does Brazilian Portuguese, the site's ("1º de dezembro"); CLDR's patterns do not: they give "1 décembre".
FIRST_OF_THE_MONTH = {"fr": "er", "pt": "º"}


def _first_as_ordinal(pattern: str, value, language: str) -> str:
    """The pattern's day field with its ordinal mark on the first of a month, quoted parts (literal text) left alone."""
    mark = FIRST_OF_THE_MONTH.get(language.split("-")[0])
    if mark is None or value.day != 1:
        return pattern
    parts = re.split(r"('[^']*')", pattern)
    return "".join(
        part if index % 2 else re.sub(r"(?<!d)d(?!d)", f"d'{mark}'", part) for index, part in enumerate(parts)
    )


def long_date(value, language: str, length: str = "long") -> str:
    """A date written out the way the language writes it: "December 1, 2026", "1er décembre 2026"; `length` "full"
    adds the weekday ("mardi 1er décembre 2026")."""
    locale = BabelLocale.parse(language.replace("-", "_"))
    pattern = _first_as_ordinal(locale.date_formats[length].pattern, value, language)
    return format_date(value, format=pattern, locale=locale)


def date_range(start, end, language: str) -> str:
    """From `start` to `end` (dates) the way the language writes it, months in full: "December 1 – 3, 2026", "du 1er
    au 3 décembre 2026", "del 30 de noviembre al 1 de diciembre de 2026", "de 1º a 3 de dezembro de 2026".

    CLDR says which parts a range repeats (its interval formats; their abbreviated months, where a language has no
    others, are widened here); the words around the two ends ("du ... au ...") are the interface's, translated. One
    day is that day's long date."""
    if start == end:
        return long_date(start, language)
    locale = BabelLocale.parse(language.replace("-", "_"))
    differs = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    formats = locale.interval_formats
    first, second = (formats.get("yMMMMd") or formats["yMMMd"])[differs]
    first = first.rstrip(" \u2009\u00a0–-")  # CLDR's own separator: the translated words take its place
    ends = []
    for value, pattern in ((start, first), (end, second)):
        pattern = re.sub(r"(?<!M)MMM(?!M)", "MMMM", pattern)
        ends.append(format_date(value, format=_first_as_ordinal(pattern, value, language), locale=locale))
    with translation.override(language):
        # Translators: a range of dates, such as a workshop's ("du 1er au 3 décembre 2026"); the end holds the year.
        return gettext("%(start)s – %(end)s") % {"start": ends[0], "end": ends[1]}


def language_direction(code: str) -> str:
    return "rtl" if get_language_info(code).get("bidi") else "ltr"


def shipped_language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def shipped_language_choices() -> list[tuple[str, str]]:
    """The choices of a model field holding a language: a callable, so that migrations name it instead of copying
    LANGUAGES, and adding a language to the settings needs no migration."""
    return list(settings.LANGUAGES)


def url_in_language(request, url: str, language_code: str) -> str:
    """The same place in another language: a page's translation (its slugs differ), or the same view's URL."""
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


# CLDR's territories include groupings that are no country (the European Union, the United Nations, "Unknown
# region", pseudo-regions): a landscape is in a country.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@cache
def _country_names(language: str) -> dict[str, str]:
    territories = BabelLocale.parse(language.replace("-", "_")).territories
    return {
        code: name for code, name in territories.items() if re.fullmatch("[A-Z]{2}", code) and code not in NOT_COUNTRIES
    }


def country_name(code: str, language: str | None = None) -> str:
    """A country's name in the language (the active one by default), from its ISO 3166 code: "Kenya", "Pérou"."""
    return _country_names(language or translation.get_language() or settings.LANGUAGE_CODE).get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """Every country, named and sorted in the active language: a callable, so that migrations do not copy CLDR."""
    names = _country_names(translation.get_language() or settings.LANGUAGE_CODE)
    return sorted(names.items(), key=lambda item: item[1].casefold())
