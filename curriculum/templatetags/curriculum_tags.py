from django import template
from django.core.cache import cache
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from wagtail.models import Site

from curriculum import typography
from curriculum.i18n import language_direction, language_name, language_name_in, shipped_language_codes
from curriculum.models import CourseIndexPage, QuizPage
from curriculum.pages_hooks import page_part_templates
from curriculum.selectors import catalogue, languages
from curriculum.selectors.generation import structure_generation

register = template.Library()


@register.filter
def is_quiz(page) -> bool:
    """Whether a lesson-sequence item is a quiz (the pager says "Next quiz", not "Next lesson")."""
    return isinstance(page, QuizPage) or getattr(page, "specific_class", None) is QuizPage


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in every shipped language, each named in its own language; untranslated ones marked."""
    request = context["request"]
    page = context.get("page")
    if page is not None and getattr(page, "translation_key", None):
        links = languages.language_links(page, request)
    else:
        current = get_language()
        links = [
            languages.LanguageLink(
                code=code,
                name=language_name(code),
                url=_same_place_in(request, code),
                is_current=code == current,
                is_translated=True,
            )
            for code in shipped_language_codes()
        ]
    return {"links": links, "current_language": get_language()}


def _same_place_in(request, language: str) -> str:
    """This page in another language: its prefixed address, or for pages without a prefix (/verify/...), ?language=."""
    path = request.get_full_path()
    translated = translate_url(path, language)
    if translated != path:
        return translated
    query = request.GET.copy()
    query["language"] = language
    return f"{request.path}?{query.urlencode()}"


@register.inclusion_tag("includes/fallback_notice.html", takes_context=True)
def fallback_notice(context, page):
    """Says so when this page's text is not yet in the visitor's language, and where it is."""
    language = get_language()
    shown_in = languages.content_language(page)
    if shown_in == language:
        return {"show": False}
    request = context["request"]
    translations = [link for link in languages.language_links(page, request) if link.is_translated]
    return {
        "show": True,
        "page_language_name": language_name_in(language, language),
        "shown_in": shown_in,
        "shown_in_name": language_name_in(shown_in, language),
        "translations": translations,
    }


@register.simple_tag(takes_context=True)
def catalogue_url(context):
    """The course catalogue of the visitor's language, for the main navigation."""
    request = context["request"]
    if not hasattr(request, "_catalogue_url"):
        # Below the catalogue, it is already among the page's ancestors: no query needed.
        index = next(
            (page for page in context.get("breadcrumbs", []) if page.specific_class is CourseIndexPage),
            None,
        ) or catalogue.catalogue_page(get_language())
        request._catalogue_url = index.get_url(request) if index else ""
    return request._catalogue_url


@register.simple_tag
def text_direction(code):
    return language_direction(code)


@register.simple_tag(takes_context=True)
def lang_attrs(context, code):
    """`lang="en"` on text in a language of its own (an English fallback on a Spanish page, a label back in the
    page's language inside it), and `dir` too on a page where any text runs right to left: there an English title
    inside an Arabic page, or an Arabic label inside English fallback text, is laid out in its own direction, and
    (as HTML gives any element with a dir) isolated from the text around it, so it reads in order."""
    if not code:  # text of no known language (a block printed outside any page): nothing to say about it
        return ""
    page_language = context.get("LANGUAGE_CODE") or get_language()
    around = context.get("content_language") or page_language
    direction = language_direction(code)
    if "rtl" in {direction, language_direction(page_language), language_direction(around)}:
        return format_html('lang="{}" dir="{}"', code, direction)
    return format_html('lang="{}"', code)


@register.simple_tag(takes_context=True)
def lang_if_other(context, code):
    """` lang="en"` (and its dir, as lang_attrs gives) when `code` is not the page's language, else nothing: for text
    that is in the page's language unless it fell back (a title in a list, an element's name)."""
    if not code or code == (context.get("LANGUAGE_CODE") or get_language()):
        return ""
    return format_html(" {}", lang_attrs(context, code))


@register.filter
def own_language_name(code):
    return language_name(code)


@register.simple_tag
def site_name():
    return gettext("Landscape Academy")


@register.filter
def language_in(code, in_language):
    """{{ "en"|language_in:"fr" }} gives "anglais": a language named inside a sentence of another."""
    return language_name_in(code, in_language)


@register.simple_tag
def with_content_languages(pages):
    """{% with_content_languages crumbs as trail %}{% for crumb, language in trail %}: pages with their text's
    language."""
    return languages.with_content_languages(pages)


@register.simple_tag
def page_content_language(page):
    return languages.content_language(page)


@register.simple_tag(takes_context=True)
def page_part(context, name, **values):
    """Another app's part of this page (the learner's progress, a quiz panel, workbook links), as it registered it
    for `name` (curriculum.pages_hooks.CURRICULUM_PAGE_PARTS): its templates, rendered like an include with the page's
    context and `values`. Empty when no app fills it."""
    engine = context.template.engine
    with context.push(**values):
        parts = [engine.get_template(template).render(context) for template in page_part_templates(name)]
    return format_html_join("", "{}", ((part,) for part in parts))  # each part is safe: its template escaped it


@register.simple_tag(takes_context=True)
def lesson_body(context, page, content_language):
    """A lesson's body, rendered and typeset: once per published revision, text language, interface language and
    site, then from the cache until a page is published, unpublished, moved or deleted (its links and documents may
    point elsewhere then: curriculum.selectors.generation). Body blocks show content only, never the visitor's state,
    so one rendering serves everyone; a preview (a draft) is always rendered afresh."""
    request = context.get("request")

    def render():
        html = page.body.render_as_block(context=context.flatten())  # as {% include_block page.body %} does
        return typography.typeset(html, content_language or get_language())

    if request is None or getattr(request, "is_preview", False) or not page.live_revision_id:
        return mark_safe(render())  # noqa: S308 (the blocks' templates escaped the content)
    site = Site.find_for_request(request)
    key = (
        ":".join(
            map(str, ("curriculum:body", structure_generation(), page.pk, page.live_revision_id, content_language))
        )
        + f":{get_language()}:{site.pk if site else 0}"
    )
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, str(html), timeout=24 * 60 * 60)
    return mark_safe(html)  # noqa: S308 (rendered by the blocks' templates, which escape the content)
