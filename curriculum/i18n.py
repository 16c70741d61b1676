"""Language names and directions, for switchers and notices (names are written in their own language, by Babel),
and the same place of the site in another language."""

from functools import cache

from babel import Locale as BabelLocale
from babel.dates import format_date
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info
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


def long_date(value, language: str) -> str:
    """A date written out the way the language writes it: "1 December 2026", "1er décembre 2026" (French writes the
    first day of a month as an ordinal, which Babel's CLDR pattern does not: it gives "1 décembre")."""
    text = format_date(value, format="long", locale=language.replace("-", "_"))
    if language.split("-")[0] == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]
    return text


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
