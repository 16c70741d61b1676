from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from curriculum.admin_overrides import (
    InstitutePageViewSet,
    ScopedDocumentsAdminAPIViewSet,
    ScopedImagesAdminAPIViewSet,
    ScopedPagesSummaryItem,
)
from curriculum.admin_scope import (
    InstituteMediaPolicy,
    InstituteScopedPolicy,
    ScopedSnippetViewSet,
    foreign_drafts_filter,
)
from curriculum.institutes import institute_workspace
from curriculum.models import ILMElement, Institute, Landscape, LessonPage
from curriculum.permissions import can_see_course_translations, can_see_page_types_report


class ILMElementViewSet(SnippetViewSet):
    model = ILMElement
    icon = "list-ol"
    menu_label = _("ILM elements")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["number", "title", "colour"]
    ordering = ["number"]


class InstituteViewSet(ScopedSnippetViewSet):
    """Site administrators add institutes; an institute's moderators edit their own institute (its branding)."""

    model = Institute
    icon = "group"
    menu_label = _("Institutes")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "website", "contact_email"]


class LandscapeViewSet(SnippetViewSet):
    """Landscapes are shared by every institute (a workshop of any institute may be held in one): administrators
    keep the list; translators translate their names."""

    model = Landscape
    icon = "site"
    menu_label = _("Landscapes")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["name", "country_name", "partnership_name"]


register_permission_policy(Institute, InstituteScopedPolicy(Institute, institute_key_field="translation_key"))
register_snippet(ILMElementViewSet)
register_snippet(InstituteViewSet)
register_snippet(LandscapeViewSet)


@hooks.register("after_create_snippet")
def complete_new_institute(request, instance):
    """An institute added in the admin gets its workspace at once: groups, collection, workflow and sections."""
    if isinstance(instance, Institute) and instance.locale_id == Locale.get_default().pk:
        try:
            institute_workspace(instance)
        except Institute.DoesNotExist:
            messages.warning(
                request,
                _("The institute is saved, but there is no course catalogue to put its section under yet."),
            )


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_of_a_lesson_shorter_than_its_activities(request, page):
    """A lesson's time is what a facilitator plans a session with: an author is told when it is shorter than the
    activities it holds (saved all the same: the author may be mid-edit)."""
    page = page.specific
    if isinstance(page, LessonPage) and page.estimated_minutes < page.activity_minutes:
        messages.warning(
            request,
            _(
                "This lesson takes %(lesson)s minutes, but its activities take %(activities)s: a session planned on "
                "the lesson's time would run short. Raise its estimated minutes, or mark an activity optional."
            )
            % {"lesson": page.estimated_minutes, "activities": page.activity_minutes},
        )


@hooks.register("register_admin_urls")
def register_course_translation_urls():
    from django.urls import include, path

    from curriculum import admin_views

    return [path("course-translations/", include((admin_views.urlpatterns, "course_translations")))]


class CourseTranslationsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_course_translations(request.user)


@hooks.register("register_reports_menu_item")
def register_course_translations_menu_item():
    return CourseTranslationsMenuItem(
        _("Course translations"), reverse("course_translations:index"), icon_name="site", order=8000
    )


@hooks.register("construct_reports_menu")
def hide_unscoped_translations_report(request, menu_items):
    # wagtail-localize's report lists every institute's translations; "Course translations" replaces it.
    menu_items[:] = [item for item in menu_items if item.url != reverse("wagtail_localize:translations_report")]


@hooks.register("construct_page_chooser_queryset")
def hide_other_institutes_unpublished_pages(pages, request):
    """Editors may link to any published page; another institute's unpublished pages stay out of their choosers."""
    drafts = foreign_drafts_filter(request.user)
    return pages if drafts is None else pages.exclude(drafts)


# -- Wagtail's own views, scoped (see curriculum.admin_overrides) ----------------------------------------------------


# After Wagtail's own registrations (order), which these replace.
@hooks.register("register_admin_viewset", order=1)
def register_page_viewset():
    return InstitutePageViewSet()


@hooks.register("construct_admin_api", order=1)
def scope_admin_api_media(router):
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


@hooks.register("construct_homepage_summary_items", order=1)
def scope_page_count(request, items):
    items[:] = [ScopedPagesSummaryItem(request) if type(item) is PagesSummaryItem else item for item in items]


@hooks.register("construct_reports_menu")
def hide_administrators_reports(request, menu_items):
    if not can_see_page_types_report(request.user):
        page_types = reverse("wagtailadmin_reports:page_types_usage")
        menu_items[:] = [item for item in menu_items if item.url != page_types]


# Deleting an image or document takes the collection's "delete" permission (moderators), not just "change". For the
# exact model: this module can be imported before wagtail.images registers its policy, and an exact registration
# wins whatever the order.
for media_model in (get_image_model(), get_document_model()):
    register_permission_policy(
        media_model, InstituteMediaPolicy(media_model, owner_field_name="uploaded_by_user"), exact_class=True
    )
