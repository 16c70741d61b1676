from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value):
    """A whole percentage written as the language writes it: "20%" in English, "20 %" (a no-break space) in French."""
    if value is None or value == "":
        return ""
    # Translators: a percentage; French and Spanish put a no-break space (U+00A0) before the sign.
    return _("%(number)s%%") % {"number": number_format(round(float(value)), 0)}


@register.simple_tag
def lesson_state(progress, page):
    """The learner's state in a lesson page, or None when there is no learner or the lesson does not count."""
    if not progress or not page:
        return None
    return progress.state(page.translation_key)


@register.simple_tag
def module_percent(progress, module_page):
    if not progress or not (progress.is_enrolled or progress.has_started):
        return None
    return progress.module_percents.get(str(module_page.translation_key))


@register.simple_tag
def quiz_score(quiz_scores, page):
    """The learner's best score at a quiz page, or None (not a quiz, or never submitted)."""
    if not quiz_scores or page is None:
        return None
    return quiz_scores.get(str(page.translation_key))


@register.simple_tag
def dict_get(mapping, key):
    return mapping.get(key) if mapping else None
