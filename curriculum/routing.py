"""Finding the page at an address with as few queries as the page needs, not one per level of the tree.

Wagtail answers a page request (Page.route_for_request) with: the site for the Host header (a query), the site's root
page (a query), its translation in the active language (two: the locale, the page), then a walk down the tree (two
queries a level, ten for a lesson), and the page's ancestors again for its breadcrumbs. Here the sites and their home
pages in every language are read once per process and structure generation (curriculum.selectors.generation: a
publish, a move, a site or locale changed moves it on), and HomePage.route finds the page and its ancestors in one
query by their url_paths. What Wagtail answers stays the same: the same site, the same home page, the same page or
404. Only requests for Wagtail's page view are routed here, so no other address reads the database for it.
"""

import copy

from django.http import Http404
from django.http.request import split_domain_port
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_page_view

from curriculum.selectors.generation import kept_per_generation

KNOWN_HOSTS = 100  # the Host header is the client's: a flood of made-up names must not grow a process's memory


def _site_with_home(hostname: str, port: int, request) -> Site | None:
    site = Site._find_for_request(request)  # Wagtail's own rule (hostname and port, else the default site)
    if site is not None:
        site.root_page = site.root_page.specific  # so that route_for_request's `.localized` is the home page's
    return site


def site_for_request(request) -> Site | None:
    """The Wagtail site answering this request, as Site.find_for_request finds it, without a query once known."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    sites = kept_per_generation("sites", dict)
    if (hostname, port) not in sites:
        if len(sites) >= KNOWN_HOSTS:
            sites.clear()
        sites[hostname, port] = _site_with_home(hostname, port, request)
    site = sites[hostname, port]
    return copy.copy(site) if site is not None else None


def localized_home_page(home: Page) -> Page:
    """The home page in the active language when it is live there, else `home` (Page.localized's answer), from the
    home pages read once per process and generation."""

    def read() -> dict[str, Page]:
        homes = type(home).objects.filter(translation_key=home.translation_key, live=True).select_related("locale")
        return {page.locale.language_code: page for page in homes}

    homes = kept_per_generation(f"home-pages:{home.translation_key}", read)
    try:
        language = get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return home
    found = homes.get(language)
    return copy.copy(found) if found is not None else home  # a copy: a request's changes stay its own


class KnownRoutesMiddleware:
    """Route a request for Wagtail's page view as Page.route_for_request does (it keeps the answer on the request as
    `_wagtail_route_for_request`, and the site as `_wagtail_site`), from what this process already knows. In
    process_view, once the address's language is active."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_page_view or hasattr(request, "_wagtail_route_for_request"):
            return None
        request._wagtail_site = site = site_for_request(request)
        path = view_kwargs.get("path", view_args[0] if view_args else "")  # wagtail.urls passes it by position
        components = [component for component in path.split("/") if component]
        try:
            home = localized_home_page(site.root_page).specific if site else None
            request._wagtail_route_for_request = home.route(request, components) if home else None
        except Http404:  # as Wagtail: no page here
            request._wagtail_route_for_request = None
        return None
