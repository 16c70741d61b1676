import json
import logging
import re
from io import BytesIO

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404, JsonResponse, QueryDict
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

# What is worth compressing: text. Images, PDFs and fonts are compressed already (a PDF also keeps its
# Content-Length, so the browser shows the download's progress).
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml", "application/xml")


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip compression, for text only and never for part of a file (a 206 answer to a Range request).

    Pages carry secrets (the CSRF token, a learner's answers) next to what a visitor can put in them (a search term):
    compressed, they would be open to BREACH. Django's middleware pads each response with random bytes in the gzip
    header ("Heal The Breach", Django 4.2+), and the CSRF token is masked anew on every response."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if response.status_code == 206 or not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


# Addresses printed on paper (QR codes) carry no language prefix and must answer for themselves, 404 included.
UNPREFIXED_PATHS = ("/verify/",)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 outside the language prefix stays a 404 unless the prefixed
    address leads somewhere.

    Django redirects any unprefixed 404 to the same path under the visitor's language whenever that path matches a
    URL pattern, and Wagtail's pages match every path under a prefix: /nothing/ and /admin/nothing-here/ would be
    sent to /en/nothing/ and /en/admin/nothing-here/. So "/" and /courses/ still redirect into the visitor's
    language, while an address that exists in no language answers 404 where it was asked (the admin's own 404 page
    in the admin), and a certificate looked up at /verify/ says it does not exist there.
    """

    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED_PATHS) or (
            response.status_code == 404
            and not translation.get_language_from_path(request.path_info)
            and not self._leads_somewhere(request)
        ):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)

    @staticmethod
    def _leads_somewhere(request) -> bool:
        """Whether the path under the visitor's language prefix is a view of ours or a Wagtail page that exists."""
        urlconf = getattr(request, "urlconf", None)
        language_path = f"/{translation.get_language()}{request.path_info}"
        if settings.APPEND_SLASH and not language_path.endswith("/"):
            language_path += "/"  # as LocaleMiddleware tries it; Wagtail's page paths end with a slash
        try:
            match = resolve(language_path, urlconf)
        except Resolver404:
            return False
        if match.func is not wagtail_serve:
            return True
        site = Site.find_for_request(request)
        if site is None:
            return False
        try:
            site.root_page.localized.specific.route(request, [part for part in match.args[0].split("/") if part])
        except Http404:
            return False
        return True


def remember_language(request, response, language: str):
    """Store the learner's language in the cookie Django reads when a URL has no language prefix."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


class RememberLanguageMiddleware:
    """Remember the language of the last page read, so "/" and pages without a prefix open in it next time.

    The URL prefix (/fr/, /es/, ...) decides the language of a page; the cookie only matters for the first redirect.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = translation.get_language_from_path(request.path_info)
        if (
            language
            and response.status_code == 200
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies
        ):
            remember_language(request, response, language)
        return response


# -- characters the database cannot store ---------------------------------------------------------------------------

NUL = "\x00"
# PostgreSQL refuses NUL in text and JSON; a lone surrogate (only JSON can carry one: "\ud800") cannot be encoded.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def accepts_nul_characters(view):
    """Mark a view that finds NUL characters in its own form data and answers them as form errors, keeping the rest
    of what was typed (a quiz). The middleware still refuses them in the address."""
    view.accepts_nul_characters = True
    return view


def _unstorable_in_json(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON: the view answers that itself
        return False
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _form_data(request):
    """The form fields and files sent: Django parses them for POST only, and the admin's translation editor sends
    its strings with PUT."""
    if request.method == "POST":
        return request.POST, request.FILES
    if request.content_type == "multipart/form-data":
        return request.parse_file_upload(request.META, BytesIO(request.body))
    return QueryDict(request.body, encoding=request.encoding), MultiValueDict()


def _nul_in_form(request) -> bool:
    try:
        fields, files = _form_data(request)
    except OSError:  # the client went away mid-upload: as CsrfViewMiddleware does, the view sees no data
        return False
    return any(NUL in name or any(NUL in value for value in values) for name, values in fields.lists()) or any(
        NUL in name or any(NUL in (upload.name or "") for upload in uploads) for name, uploads in files.lists()
    )


class NulCharacterMiddleware:
    """Answer a NUL character anywhere in the address, the query string or the data sent (form fields, file names,
    JSON) with a translated 400 page, before any view hands it to the database.

    PostgreSQL refuses NUL in text, so every unchecked lookup or save would fail with a server error (a certificate
    token in the path, a search term, an answer saved as JSON). Django's form fields refuse it already; URL
    arguments, query strings read by hand and JSON do not. Must come before SessionMiddleware: a session cookie with
    a NUL in it is dropped (the visitor gets a new session) instead of being looked up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, value in list(request.COOKIES.items()):
            if NUL in name or NUL in value:
                del request.COOKIES[name]
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if NUL in request.path_info or any(
            NUL in name or any(NUL in value for value in values) for name, values in request.GET.lists()
        ):
            return self.refuse(request)
        if getattr(view_func, "accepts_nul_characters", False):
            return None
        if request.content_type == "application/json" or request.content_type.endswith("+json"):
            if _unstorable_in_json(request.body):
                return self.refuse(request)
        elif (
            request.content_type in FORM_TYPES and request.method in ("POST", "PUT", "PATCH") and _nul_in_form(request)
        ):
            return self.refuse(request)
        return None

    @staticmethod
    def refuse(request):
        message = _(
            "What was sent holds an invisible character (a null character, often left by copying from another "
            "program) that cannot be stored. Go back, type the text again without it, and send it once more."
        )
        if request.content_type == "application/json" or "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": str(message)}, status=400)
        return render(request, "lms/bad_characters.html", {"message": message}, status=400)


DJANGO_404_PARAMETER = "django-404"
debug_log = logging.getLogger("lms.debug")


class RealNotFoundPageMiddleware:
    """With DEBUG on (`make run`), a 404 is the site's own translated page, as visitors see it, not Django's English
    debug page: its reason goes to the console instead, and `?django-404` on the address still shows Django's page
    (the URL patterns it tried). Last in MIDDLEWARE, so the language is chosen and the session read first."""

    def __init__(self, get_response):
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if DJANGO_404_PARAMETER not in request.GET:
            try:  # no URL pattern matches: Django answers before any view, so process_exception never sees it
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as error:
                return self.not_found(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and DJANGO_404_PARAMETER not in request.GET:
            return self.not_found(request, exception)
        return None

    @staticmethod
    def not_found(request, exception):
        reason = exception.args[0] if exception.args and isinstance(exception.args[0], str) else "no URL matches"
        debug_log.warning(
            "Not Found: %s (%s). The page shown is the site's own; add ?%s to see Django's.",
            request.path,
            reason,
            DJANGO_404_PARAMETER,
        )
        return page_not_found(request, exception)
