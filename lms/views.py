from django import forms
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from wagtail import views as wagtail_views
from wagtail.documents import get_document_model
from wagtail.documents.views import serve as document_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from lms.accounts.forms import too_many_attempts_message
from lms.accounts.ratelimit import VIEW_PASSWORD_ATTEMPTS
from lms.security import is_path_of_this_site


def health(request):
    """A load balancer's probe: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


class RefusedPasswordForm(PasswordViewRestrictionForm):
    """Wagtail's privacy password form as it was posted, answered with the limit's message: no password is checked."""

    def __init__(self, data, *, restriction, wait: int):
        super().__init__(data, instance=restriction)
        self.wait = wait

    def clean_password(self):
        raise forms.ValidationError(too_many_attempts_message(self.wait), code="rate_limited")


def limited_password_check(request, check, refused):
    """Wagtail's privacy password views check the password as often as they are asked: a page's or a collection's
    shared password could be guessed at the speed of the server. A POST here counts one attempt for the client;
    over the limit `refused(wait)` answers without checking. A right password (Wagtail then redirects to what it
    protects) gives the attempt back, so a class behind one address does not use up its tries."""
    if request.method != "POST":
        return check()
    wait = VIEW_PASSWORD_ATTEMPTS.reserve(request)
    if wait:
        return refused(wait)
    response = check()
    if response.status_code == 302:
        VIEW_PASSWORD_ATTEMPTS.release(request)
    return response


def authenticate_with_password(request, page_view_restriction_id: int, page_id: int):
    """Wagtail's form for a password-protected page, under the limit on password attempts, sent back to an address
    that is a path of this site.

    Wagtail hands its return_url to redirect(), which takes a word without "/" or "." ("0") for the name of a view
    to reverse: a server error; and it lets "//" through. Such a return address is replaced by the page's own.
    """
    if request.method == "POST" and not is_path_of_this_site(request.POST.get("return_url", "")):
        page = Page.objects.filter(pk=page_id).first()
        request.POST = request.POST.copy()
        request.POST["return_url"] = (page.get_url(request) if page else None) or "/"

    def refused(wait):
        restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
        page = get_object_or_404(Page, id=page_id).specific
        form = RefusedPasswordForm(request.POST, restriction=restriction, wait=wait)
        action_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.id, page.id])
        return page.serve_password_required_response(request, form, action_url)

    return limited_password_check(
        request,
        lambda: wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id),
        refused,
    )


def authenticate_with_document_password(request, restriction_id: int):
    """Wagtail's form for a password-protected collection of documents, under the same limit."""

    def refused(wait):
        restriction = get_object_or_404(CollectionViewRestriction, id=restriction_id)
        form = RefusedPasswordForm(request.POST, restriction=restriction, wait=wait)
        template = getattr(settings, "WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE", "wagtaildocs/password_required.html")
        action_url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.id])
        return TemplateResponse(request, template, {"form": form, "action_url": action_url})

    return limited_password_check(
        request, lambda: document_views.authenticate_with_password(request, restriction_id), refused
    )


def serve_document(request, document_id: str, document_filename: str):
    """Wagtail's document download. A document of a collection with a privacy setting (a password, logged-in users,
    some groups) goes to those who passed it, so no shared cache may keep it: Wagtail marks its private pages so,
    never its private documents, which a CDN caching PDFs by extension would then hand to anyone."""
    response = document_views.serve(request, document_id, document_filename)
    document = get_document_model().objects.filter(pk=document_id).select_related("collection").first()
    if document is not None and document.collection.get_view_restrictions().exists():
        patch_cache_control(response, private=True, no_store=True)
    return response
