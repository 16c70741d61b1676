"""Finding the page at an address with as few queries as the page needs, not one per level of the tree.

Wagtail answers a page request with: the site for the Host header (a query), the site's root page (a query), its
translation in the active language (two: the locale, the page), then a walk down the tree (two queries a level, ten
for a lesson), and the page's ancestors again for its breadcrumbs. Here the sites and their home pages in every
language are read once per process and structure generation (curriculum.selectors.generation: a publish, a move, a
site or locale changed moves it on), and HomePage.route finds the page and its ancestors in one query by their
url_paths. What Wagtail answers stays the same: the same site, the same home page, the same page or 404.
"""

import copy

from django.http.request import split_domain_port
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, Site

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
    from curriculum.models import HomePage

    def read() -> dict[str, Page]:
        homes = HomePage.objects.filter(translation_key=home.translation_key, live=True).select_related("locale")
        return {page.locale.language_code: page for page in homes}

    homes = kept_per_generation(f"home-pages:{home.translation_key}", read)
    try:
        language = get_supported_content_language_variant(translation.get_language())
    except LookupError:
        return home
    found = homes.get(language)
    return copy.copy(found) if found is not None else home  # a copy: a request's changes stay its own


class KnownSiteMiddleware:
    """Tell Wagtail which site a request is for (it keeps it on the request as `_wagtail_site`), from what this
    process already knows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._wagtail_site = site_for_request(request)
        return self.get_response(request)
