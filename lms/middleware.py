from django.conf import settings
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

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
