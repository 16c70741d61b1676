"""The five ILM elements, in the visitor's language."""

from collections.abc import Iterable

from wagtail.models import Locale

from curriculum.models import CoursePage, ILMElement, ModulePage


def elements_in_locale(locale: Locale) -> list[ILMElement]:
    """The five elements in `locale`, falling back to the default language for any not translated."""
    default = Locale.get_default()
    by_key = {}
    # With its locale: a name shown in the default language where not translated is marked with that language.
    elements = ILMElement.objects.filter(locale__in=[locale.pk, default.pk]).select_related("locale")
    for element in elements.order_by("number"):
        if element.locale_id == locale.pk or element.translation_key not in by_key:
            by_key[element.translation_key] = element
    return sorted(by_key.values(), key=lambda element: element.number)


def localize_elements(elements: Iterable[ILMElement], locale: Locale) -> list[ILMElement]:
    wanted = {element.translation_key for element in elements}
    return [element for element in elements_in_locale(locale) if element.translation_key in wanted]


def course_elements(course: CoursePage) -> list[ILMElement]:
    covered = ILMElement.objects.filter(modules__in=ModulePage.objects.child_of(course).live()).distinct()
    return localize_elements(covered, course.locale)
