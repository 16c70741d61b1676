from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_outbox_url():
    from lms.xapi.admin_views import OutboxView

    return [path("learning-records/", OutboxView.as_view(), name="xapi_outbox")]


@hooks.register("register_reports_menu_item")
def register_outbox_menu_item():
    return SuperuserMenuItem(_("Learning records (xAPI)"), reverse("xapi_outbox"), icon_name="upload", order=9000)
