from django import template

register = template.Library()


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
    return progress.module_percents().get(str(module_page.translation_key))


@register.simple_tag
def quiz_score(quiz_scores, page):
    """The learner's best score at a quiz page, or None (not a quiz, or never submitted)."""
    if not quiz_scores or page is None:
        return None
    return quiz_scores.get(str(page.translation_key))


@register.simple_tag
def dict_get(mapping, key):
    return mapping.get(key) if mapping else None
