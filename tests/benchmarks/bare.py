"""The floor every benchmark compares against: a bare Wagtail page holding the same body as one of our pages.

Wagtail's routing, its view-restriction check, and the page's body in a template with nothing else: what a site built
on Wagtail alone pays for the same page. Used in-process (test_bench_lesson_page) and served by gunicorn
(bare_urls, test_bench_served).
"""

from django.http import Http404
from django.template.response import TemplateResponse
from wagtail.models import Page


def bare_page_response(request, path: str) -> TemplateResponse:
    """`path` is the page's address without its language prefix, as Wagtail's serve view receives it."""
    routed = Page.route_for_request(request, path)
    if routed is None:
        raise Http404(path)
    page, _args, _kwargs = routed
    list(page.get_view_restrictions())  # Wagtail's serve() checks these for every page too
    return TemplateResponse(request, "benchmarks/bare_page.html", {"page": page, "self": page})
