from django.db import connection
from django.http import HttpResponse
from wagtail import views as wagtail_views
from wagtail.models import Page


def health(request):
    """A load balancer's probe: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def authenticate_with_password(request, page_view_restriction_id: int, page_id: int):
    """Wagtail's form for a password-protected page, sent back to an address that is a path of this site.

    Wagtail hands its return_url to redirect(), which takes a word without "/" or "." ("0") for the name of a view
    to reverse: a server error. Such a return address is replaced by the page's own.
    """
    if request.method == "POST" and not request.POST.get("return_url", "").startswith("/"):
        page = Page.objects.filter(pk=page_id).first()
        request.POST = request.POST.copy()
        request.POST["return_url"] = (page.get_url(request) if page else None) or "/"
    return wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)
