from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Addresses printed on paper (QR codes) carry no language prefix and must answer for themselves, 404 included.
UNPREFIXED_PATHS = ("/verify/",)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 outside the language prefix stays a 404.

    Django would redirect /verify/<unknown>/ to /es/verify/<unknown>/, because Wagtail's pages answer every path
    under a prefix; a certificate that does not exist must say so where it was looked up.
    """

    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED_PATHS):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


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
