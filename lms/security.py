"""What browsers are told about every response: what a page may load and run (Content-Security-Policy), which device
features it may ask for (Permissions-Policy), and that one learner's pages and files are never kept by a shared cache.

Django 5.2 has no Content-Security-Policy of its own, so the policy lives here. Learner pages run only our own
scripts (the quiz autosave script is a file, and no template has an inline script or event handler); their
`style` attributes carry element and brand colours, so inline styles are allowed in attributes but not as
<style> elements. Wagtail's admin writes inline scripts (date choosers, inline panels, wagtail-localize's editor)
and inline styles, so its policy allows them; it still loads nothing from another site and posts nowhere else.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.cache import patch_cache_control

ADMIN_PREFIX = "/admin/"

# URL namespaces whose every page or file belongs to the person who asked: the dashboard, the profile and account
# pages, quiz attempts, certificate and workbook downloads (the facilitator edition carries answer keys).
PRIVATE_NAMESPACES = frozenset(
    {"accounts", "progress", "quizzes", "certificate_files", "credential_files", "workbooks"}
)

# Features no page of the site uses; an embedded or injected document cannot ask for them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


def _external_origins() -> list[str]:
    """Where static files and uploads come from when they are not on this site (object storage, a CDN)."""
    origins = []
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        parts = urlsplit(url or "")
        if parts.scheme and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _policies() -> dict[bool, str]:
    """The two policies, learner site (False) and admin (True), built once from the settings."""
    sources = " ".join(["'self'", *_external_origins()])
    common = {
        "default-src": "'self'",
        "img-src": f"{sources} data:",
        "font-src": sources,
        "media-src": sources,
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    learner = {
        **common,
        "script-src": sources,
        # Colours come in style attributes (element badges, institute brand); a <style> element never does.
        "style-src": f"{sources} 'unsafe-inline'",
        "style-src-elem": sources,
    }
    admin = {
        **common,
        "script-src": f"{sources} 'unsafe-inline'",
        "style-src": f"{sources} 'unsafe-inline'",
        "img-src": f"{sources} data: blob:",  # previews of images chosen for upload
        "frame-src": "'self'",  # the page preview panel
        # The dashboard tells administrators when a Wagtail release is out (WAGTAIL_ENABLE_UPDATE_CHECK).
        "connect-src": "'self' https://releases.wagtail.org",
    }
    return {False: _policy(learner), True: _policy(admin)}


def _frame_ancestors(response) -> str | None:
    """Follow X-Frame-Options (DENY by default, SAMEORIGIN for Wagtail's preview): a CSP-aware browser ignores that
    header once frame-ancestors is set, so the two must agree."""
    value = response.headers.get("X-Frame-Options", "").upper()
    return {"DENY": "'none'", "SAMEORIGIN": "'self'"}.get(value)


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy to HTML pages, Permissions-Policy to every response, and
    `Cache-Control: private, no-store` to the learner-specific views.

    Listed before XFrameOptionsMiddleware, so it sees the X-Frame-Options that middleware sets.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policies = _policies()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if self._is_private(request):
            patch_cache_control(response, private=True, no_store=True)
        if self._needs_policy(response):
            policy = self.policies[request.path_info.startswith(ADMIN_PREFIX)]
            ancestors = _frame_ancestors(response)
            if ancestors:
                policy += f"; frame-ancestors {ancestors}"
            response.headers["Content-Security-Policy"] = policy
        return response

    @staticmethod
    def _is_private(request) -> bool:
        match = getattr(request, "resolver_match", None)
        return bool(match and PRIVATE_NAMESPACES.intersection(match.namespaces))

    @staticmethod
    def _needs_policy(response) -> bool:
        # Only documents a browser runs need one (PDFs, JSON and files do not). Django's debug pages (errors and
        # 404s with DEBUG on) have inline scripts and styles: left alone in development. A policy already there is
        # replaced: Wagtail renders a preview by passing a request for the page's own address through the
        # middleware, and the admin request that frames it decides.
        if settings.DEBUG and response.status_code >= 400:
            return False
        return response.headers.get("Content-Type", "").startswith("text/html")


def is_path_of_this_site(address: str) -> bool:
    """Is `address` a path on this site (where a `next` or a return address may send a visitor)? Django's
    url_has_allowed_host_and_scheme lets "//" and "/\\" through, which browsers read as an address with an empty
    host (a backslash is a slash to them), so a path must start with one slash and only one."""
    return address.startswith("/") and not address.replace("\\", "/").startswith("//")
