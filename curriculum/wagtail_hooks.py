from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from curriculum.models import ILMElement, Institute


class ILMElementViewSet(SnippetViewSet):
    model = ILMElement
    icon = "list-ol"
    menu_label = _("ILM elements")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["number", "title", "colour"]
    ordering = ["number"]


class InstituteViewSet(SnippetViewSet):
    model = Institute
    icon = "group"
    menu_label = _("Institutes")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "website"]


register_snippet(ILMElementViewSet)
register_snippet(InstituteViewSet)
