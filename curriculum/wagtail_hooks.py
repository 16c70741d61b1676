from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Locale
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from curriculum.admin_scope import InstituteScopedPolicy, scoped_views
from curriculum.institutes import institute_workspace
from curriculum.models import ILMElement, Institute


class ILMElementViewSet(SnippetViewSet):
    model = ILMElement
    icon = "list-ol"
    menu_label = _("ILM elements")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["number", "title", "colour"]
    ordering = ["number"]


@scoped_views
class InstituteViewSet(SnippetViewSet):
    """Site administrators add institutes; an institute's moderators edit their own institute (its branding)."""

    model = Institute
    icon = "group"
    menu_label = _("Institutes")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "website", "contact_email"]


register_permission_policy(Institute, InstituteScopedPolicy(Institute, institute_key_field="translation_key"))
register_snippet(ILMElementViewSet)
register_snippet(InstituteViewSet)


@hooks.register("after_create_snippet")
def complete_new_institute(request, instance):
    """An institute added in the admin gets its workspace at once: groups, collection, workflow and sections."""
    if isinstance(instance, Institute) and instance.locale_id == Locale.get_default().pk:
        institute_workspace(instance)
