from django import template
from django.utils.translation import get_language

from curriculum import typography

register = template.Library()


@register.filter(is_safe=True)
def typeset(value, language=None):
    """`{{ page.title|typeset:content_language }}`, or `{% filter typeset:content_language %}...{% endfilter %}`:
    French no-break spaces at render time (curriculum.typography); other languages are left alone."""
    return typography.typeset(value, language or get_language())
