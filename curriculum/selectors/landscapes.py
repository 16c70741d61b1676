"""Landscapes named in the visitor's language. Records (a learner's profile, a workshop) point at the default-language
row; its translations share its translation_key."""

from django.conf import settings

from curriculum.models import Landscape


def landscape_names(language_code: str) -> dict:
    """{translation_key: name} of every landscape, in `language_code` where translated, else in the default
    language: one query."""
    rows = Landscape.objects.filter(locale__language_code__in={language_code, settings.LANGUAGE_CODE}).values_list(
        "translation_key", "locale__language_code", "name"
    )
    names = {}
    for key, language, name in rows.order_by():
        if language == language_code or key not in names:
            names[key] = name
    return names


def default_landscapes():
    """The default-language rows, which records point at."""
    return Landscape.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


def landscape_in_language(landscape, language_code: str):
    """The landscape's translation into `language_code` if it has one, else the row itself (one query)."""
    if landscape is None:
        return None
    translated = Landscape.objects.filter(
        translation_key=landscape.translation_key, locale__language_code=language_code
    ).first()
    return translated or landscape
