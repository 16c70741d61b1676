from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from curriculum import admin_overrides
from curriculum.localize_guards import guard_wagtail_localize
from lms import views
from lms.accounts.views import LearnerLoginView
from lms.certificates.urls import download_urlpatterns
from lms.credentials.urls import learner_urlpatterns as credential_urlpatterns
from lms.offline import views as offline_views

# Wagtail's reports, choosers and bulk actions that it offers no hook to scope answer their paths first
# (curriculum.admin_overrides); wagtail-localize's views are behind guards keyed by URL name
# (curriculum.localize_guards).
urlpatterns = admin_overrides.urlpatterns + [
    path("admin/", include(guard_wagtail_localize(wagtailadmin_urls))),
    # These answer before Wagtail's own views of the same addresses: see lms.views.
    path(
        "documents/",
        include(
            [
                path("authenticate_with_password/<int:restriction_id>/", views.authenticate_with_document_password),
                re_path(r"^(\d+)/(.*)$", views.serve_document),
            ]
        ),
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", views.health, name="health"),
    # At the root, so that the service worker's scope covers every language's pages.
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("", include("lms.credentials.urls")),  # DID documents, status lists, credentials of verification pages
    path("verify/", include("lms.certificates.urls")),
]

# Learner pages and Wagtail pages live under a language prefix: /en/, /fr/, /es/, /pt/.
# "/" itself redirects to the visitor's language (browser's Accept-Language on a first visit, then the cookie).
urlpatterns += i18n_patterns(
    path("accounts/", include("lms.accounts.urls")),
    path("learning/quizzes/", include("lms.quizzes.urls")),
    path("learning/workbooks/", include("lms.workbooks.urls")),
    path("learning/certificates/", include((download_urlpatterns, "certificate_files"))),
    path("learning/certificates/", include((credential_urlpatterns, "credential_files"))),
    path("learning/", include("lms.progress.urls")),
    path("workshops/", include("lms.workshops.urls")),
    path("offline/", include("lms.offline.urls")),
    # These answer before Wagtail's own views of the same addresses: its page-password form under the limit on
    # password attempts (lms.views.authenticate_with_password), and its bare login form, which only said "wrong
    # password" when the login limit refused, replaced by ours.
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        views.authenticate_with_password,
    ),
    path("_util/login/", LearnerLoginView.as_view()),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG or settings.SERVE_MEDIA:
    from django.views.static import serve as serve_file

    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns = [
        re_path(rf"^{media_prefix}/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT})
    ] + urlpatterns
