"""Whole pages for anonymous visitors, kept in the cache: the home page, the catalogue and its pages, institute
sections, courses, modules and lessons, in each language, as a visitor with no account sees them.

A visitor without a session is served the kept copy before sessions, languages, CSRF and authentication are even
looked at; everyone else (a session cookie, a messages cookie, any cookie we do not know) gets the page rendered
for them, as before. What is kept, and when:

- Only a Wagtail page, answered 200 to a GET from a visitor who is not logged in, whose page has no view restriction
  (a password, a login, groups) and whose response is not marked private or never-cache (Wagtail marks its private
  pages so), and that set no cookie but the language one. A page that used a CSRF token (the quiz page's
  answer-before-login form) sets the CSRF cookie, so it is never kept: a kept copy never carries a token, a message
  or anyone's state.
- Under a key of the address (host, scheme, path and the query parameters the catalogue pages by) and the tree's
  generation (curriculum.selectors.generation), which publishing, unpublishing, moving or deleting a page, changing
  a view restriction, an element, an institute, an image or a document, and every migration (a deploy) moves on;
  this module's own generation moves on with what lms shows on those pages (a workbook built: its size appears).
  Entries expire after ANONYMOUS_PAGE_CACHE_SECONDS anyway (0 turns the cache off).
- With `Vary: Cookie` (the same address answers a logged-in learner with their own page), an ETag of its content,
  and a Last-Modified that moves on only when the content changes, so `If-None-Match` and `If-Modified-Since`
  get a 304 exactly when the browser has these very bytes (django.middleware.http.ConditionalGetMiddleware, above
  this one, answers them). Pages under a language prefix do not vary with Accept-Language: the address says the
  language.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag
from django.utils.http import http_date
from wagtail.models import Page
from wagtail.views import serve as wagtail_serve

from curriculum.selectors.generation import structure_generation
from lms.middleware import remember_language

GENERATION = "anonymous-pages:generation"
# Cookies an anonymous visitor may carry and still be served the kept copy: the language remembered (set again
# from the address on each page, as RememberLanguageMiddleware does) and the CSRF cookie of a login form once shown,
# which no kept page uses. A session, a message waiting or anything else: the page is rendered for them.
HARMLESS_COOKIES = frozenset({settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME})
# The query parameters the catalogue pages and filters by; any other (a search, a tracking parameter) is rendered.
KEPT_PARAMETERS = frozenset({"page", "element", "language"})
SHORT_VALUE = re.compile(r"^[\w-]{0,20}$")
# The headers a kept copy keeps; those the middlewares above this one add (security headers, compression) are
# added to the kept copy on its way out.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "ETag", "Last-Modified")
NEVER_KEPT_CACHE_CONTROL = ("private", "no-store", "no-cache")


def forget_anonymous_pages() -> None:
    """What lms shows on public pages changed (not the tree, which curriculum's generation follows): kept pages
    are stale from now on."""
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.set(GENERATION, time.time_ns(), None)


def _pages_generation() -> int:
    return cache.get_or_set(GENERATION, time.time_ns, None)


def _language_of(path: str) -> str | None:
    prefix = path.split("/", 2)[1] if path.count("/") >= 2 else ""
    return prefix if prefix in dict(settings.LANGUAGES) else None


def _address(request) -> str | None:
    """What the kept copy is kept under, without the generation; None if this request is rendered for the visitor."""
    if request.method != "GET" or _language_of(request.path) is None or "HTTP_AUTHORIZATION" in request.META:
        return None
    if not HARMLESS_COOKIES.issuperset(request.COOKIES):
        return None
    parameters = []
    for name, values in sorted(request.GET.lists()):
        if name not in KEPT_PARAMETERS or len(values) != 1 or not SHORT_VALUE.match(values[0]):
            return None
        parameters.append(f"{name}={values[0]}")
    try:
        host = request.get_host()
    except DisallowedHost:  # refused further down, once the page's language is known, so in the visitor's words
        return None
    address = f"{request.scheme}://{host}{request.path}?{'&'.join(parameters)}"
    return hashlib.sha256(address.encode()).hexdigest()


def _keys(address: str) -> tuple[str, str]:
    """The kept copy's key, and the key of its Last-Modified stamp (kept across generations)."""
    generation = f"{structure_generation()}.{_pages_generation()}"
    return f"anonymous-page:{generation}:{address}", f"anonymous-page-stamp:{address}"


def _may_keep(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    page = (getattr(response, "context_data", None) or {}).get("page")
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and match is not None
        and match.func is wagtail_serve
        and isinstance(page, Page)
        and not request.user.is_authenticated
        # A token rendered into the page: CsrfViewMiddleware sets its cookie then, which the next test refuses too.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and set(response.cookies).issubset({settings.LANGUAGE_COOKIE_NAME})
        and not any(word in cache_control for word in NEVER_KEPT_CACHE_CONTROL)
        and not page.get_view_restrictions().exists()
    )


def _stamp(stamp_key: str, etag: str) -> int:
    """The page's Last-Modified, in whole seconds: unchanged while its content is, and later than any stamp sent
    for this address before when it changes (two versions within one second would otherwise share one, and a
    browser holding the first would be told it has the second)."""
    previous = cache.get(stamp_key)
    if previous and previous[0] == etag:
        return previous[1]
    stamp = int(time.time())
    if previous:
        stamp = max(stamp, previous[1] + 1)
    cache.set(stamp_key, (etag, stamp), None)
    return stamp


def _keep(keys: tuple[str, str], response) -> None:
    patch_vary_headers(response, ("Cookie",))
    set_response_etag(response)
    response.headers["Last-Modified"] = http_date(_stamp(keys[1], response.headers["ETag"]))
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    cache.set(keys[0], (headers, response.content), settings.ANONYMOUS_PAGE_CACHE_SECONDS)


def _kept_copy(request, entry) -> HttpResponse:
    headers, content = entry
    response = HttpResponse(content, headers=headers)
    response.headers["Content-Length"] = str(len(content))
    # As RememberLanguageMiddleware does for the pages it sees.
    language = _language_of(request.path)
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
        remember_language(request, response, language)
    return response


class AnonymousPageCacheMiddleware:
    """Serves anonymous visitors the kept copy of a public page, and keeps the pages it may (see the module).

    Below ConditionalGetMiddleware (which answers 304 from the kept ETag and Last-Modified), compression and the
    security headers; above sessions, languages, CSRF, authentication and messages, which a kept copy skips."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = _address(request) if settings.ANONYMOUS_PAGE_CACHE_SECONDS else None
        if address is None:
            return self.get_response(request)
        keys = _keys(address)
        entry = cache.get(keys[0])
        if entry is not None:
            return _kept_copy(request, entry)
        response = self.get_response(request)
        if _may_keep(request, response):
            # Under the keys read before rendering: a change published meanwhile has moved the generation past them.
            _keep(keys, response)
        return response
