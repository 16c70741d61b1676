"""The floor every benchmark compares against: a bare Wagtail page holding the same body as one of our pages.

Wagtail's routing (its walk down the tree), its view-restriction check, and the page's body in a template with
nothing else: what a site built on Wagtail alone pays for the same page. Used in-process (test_bench_lesson_page)
and served by gunicorn (bare_urls, test_bench_served).
"""

from django.http import Http404
from django.template.response import TemplateResponse
from wagtail.models import Page, Site


def bare_page_response(request, path: str) -> TemplateResponse:
    """`path` is the page's address without its language prefix, as Wagtail's serve view receives it."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404(path)
    # Wagtail's own routing, a walk down the tree level by level (Page.route), not our home page's one-query lookup.
    root = site.root_page.localized.specific
    page, _args, _kwargs = Page.route(root, request, [component for component in path.split("/") if component])
    list(page.get_view_restrictions())  # Wagtail's serve() checks these for every page too
    return TemplateResponse(request, "benchmarks/bare_page.html", {"page": page, "self": page})
