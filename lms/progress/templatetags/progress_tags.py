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
