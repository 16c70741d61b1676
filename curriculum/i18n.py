"""Language names and directions, for switchers and notices. Names are written in their own language (Babel)."""

from functools import cache

from babel import Locale as BabelLocale
from django.conf import settings
from django.utils.translation import get_language_info


@cache
def language_name(code: str) -> str:
    """ "Français" for fr, "Español" for es: a language is named the way its speakers write it."""
    name = BabelLocale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    return name[:1].upper() + name[1:]


@cache
def language_name_in(code: str, in_language: str) -> str:
    """The name of `code` as written in `in_language` ("anglais" for en in fr), for sentences in running text."""
    return BabelLocale.parse(code.replace("-", "_")).get_display_name(in_language.replace("-", "_")) or code


def language_direction(code: str) -> str:
    return "rtl" if get_language_info(code).get("bidi") else "ltr"


def shipped_language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]
