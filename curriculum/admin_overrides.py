"""Wagtail's own admin views, kept from showing one institute's staff anything of another institute.

Wagtail checks what a user may *do*, and mostly lists what they may act on; but its reports, filters, choosers and
confirmation pages read other rows to label things: the site history lists every log entry of a model the user has
any permission on (every institute's certificates, their learners' names, the staff who revoked them), "Edited by"
and "Locked by" name every user who ever did, a page id typed into the explorer or a chooser shows that page's
title, a bulk action lists the titles of what the user may not touch.

Where Wagtail offers a way in, it is used: a page viewset (every page view), the admin API hook, the home page
summary hook. Reports, the page chooser, bulk actions and the task chooser have none: `urlpatterns` answers their
paths before Wagtail's admin does (lms/urls.py puts them first), each with a subclass or a thin wrapper of
Wagtail's own view.
"""

from functools import wraps

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.views import chooser, workflows
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.pages.listing import GenericPageFilterSet
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.admin.views.reports.locked_pages import LockedPagesReportFilterSet, LockedPagesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.views.reports.workflows import (
    WorkflowReportFilterSet,
    WorkflowTasksReportFilterSet,
    WorkflowTasksView,
    WorkflowView,
)
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.log_actions import registry as log_registry
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.utils.urlpatterns import decorate_urlpatterns

from curriculum.admin_scope import ScopedChoicesMixin, foreign_drafts_filter, scope_log_entries
from curriculum.permissions import can_edit_workflows, can_explore_page, can_see_page_types_report, explorable_pages

# -- pages: every page view of the admin, through Wagtail's page viewset -----------------------------------------------

# The keyword arguments through which Wagtail's page views receive the pages they open.
PAGE_ID_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "pk")


def explorable_pages_only(view):
    """`view`, refusing any page the user cannot explore. Wagtail's explorer shows the title of whatever page id it is
    given, and its workflow and move views put the page's title in a message or a confirmation before they check."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        for name in PAGE_ID_KWARGS:
            page_id = kwargs.get(name)
            # A page id that does not exist is the view's to answer (404).
            if (
                page_id is not None
                and not can_explore_page(request.user, page_id)
                and Page.objects.filter(pk=page_id).exists()
            ):
                raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


class ScopedPageFilterSet(ScopedChoicesMixin, GenericPageFilterSet):
    pass


class InstitutePageViewSet(PageViewSet):
    """The views of every page type (registered for Page, it replaces Wagtail's default page viewset)."""

    filterset_class = ScopedPageFilterSet  # the explorer's and the per-type listing's "Owner" and "Edited by"

    def get_view_by_name(self, name):
        return explorable_pages_only(super().get_view_by_name(name))


class ScopedPagesSummaryItem(PagesSummaryItem):
    """The admin home's page count: the pages the user works on, not every institute's."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        if not self.request.user.is_superuser:
            pages = policy_registry.get_by_type(Page).instances_user_has_any_permission_for(
                self.request.user, ["add", "change"]
            )
            context["total_pages"] = pages.count()
        return context


# -- images and documents in the admin API -----------------------------------------------------------------------------


class CollectionScopedAPIMixin:
    """The admin API lists the images (documents) the user may choose or change, like the choosers: Wagtail's lists
    every one, with its file's address."""

    def get_queryset(self):
        allowed = policy_registry.get_by_type(self.model).instances_user_has_any_permission_for(
            self.request.user, ["choose", "change"]
        )
        return super().get_queryset().filter(pk__in=allowed.values("pk"))


class ScopedImagesAdminAPIViewSet(CollectionScopedAPIMixin, ImagesAdminAPIViewSet):
    pass


class ScopedDocumentsAdminAPIViewSet(CollectionScopedAPIMixin, DocumentsAdminAPIViewSet):
    pass


# -- reports -----------------------------------------------------------------------------------------------------------


class ScopedSiteHistoryFilterSet(ScopedChoicesMixin, SiteHistoryReportFilterSet):
    def get_users_queryset(self):
        # Wagtail offers everyone who made any page log entry; here, those who made the entries listed.
        user = self.request.user
        user_ids = set()
        for log_model in log_registry.get_log_entry_models():
            user_ids.update(scope_log_entries(log_model.objects.viewable_by_user(user), user).get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)


class ScopedSiteHistoryView(LogEntriesView):
    filterset_class = ScopedSiteHistoryFilterSet

    def filter_queryset(self, queryset):
        # Called for each kind of log entry (pages, other objects) before they are put together.
        return super().filter_queryset(scope_log_entries(queryset, self.request.user))


class ScopedLockedPagesFilterSet(ScopedChoicesMixin, LockedPagesReportFilterSet):
    pass


class ScopedLockedPagesView(LockedPagesView):
    filterset_class = ScopedLockedPagesFilterSet


class ScopedWorkflowFilterSet(ScopedChoicesMixin, WorkflowReportFilterSet):
    pass


class ScopedWorkflowView(WorkflowView):
    filterset_class = ScopedWorkflowFilterSet


class ScopedWorkflowTasksFilterSet(ScopedChoicesMixin, WorkflowTasksReportFilterSet):
    pass


class ScopedWorkflowTasksView(WorkflowTasksView):
    filterset_class = ScopedWorkflowTasksFilterSet


class AdministratorsPageTypesUsageView(PageTypesUsageReportView):
    """How many pages of each type the site has: for administrators (curriculum.permissions)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_see_page_types_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


REPORT_VIEWS = {
    "locked": ScopedLockedPagesView,
    "workflow": ScopedWorkflowView,
    "workflow_tasks": ScopedWorkflowTasksView,
    "site-history": ScopedSiteHistoryView,
    "page-types-usage": AdministratorsPageTypesUsageView,
}
# Wagtail's aging pages report lists the pages the user may publish and names no one else: it stays as it is.


# -- the page chooser --------------------------------------------------------------------------------------------------


def _is_foreign_draft(user, page_id) -> bool:
    drafts = foreign_drafts_filter(user)
    return drafts is not None and Page.objects.filter(drafts, pk=page_id).exists()


_browse = chooser.BrowseView.as_view()


def page_chooser_browse(request, parent_page_id):
    """Editors link to any published page; another institute's unpublished pages are not there to browse (the
    chooser's listing already leaves them out: see curriculum.wagtail_hooks)."""
    if _is_foreign_draft(request.user, parent_page_id):
        raise Http404
    return _browse(request, parent_page_id=parent_page_id)


class ScopedChosenMultipleView(chooser.ChosenMultipleView):
    def get(self, request):
        drafts = foreign_drafts_filter(request.user)
        if drafts is not None:
            shown = Page.objects.filter(pk__in=request.GET.getlist("id")).exclude(drafts).values_list("pk", flat=True)
            query = request.GET.copy()
            query.setlist("id", [str(pk) for pk in shown])
            request.GET = query
        return super().get(request)


# -- bulk actions ------------------------------------------------------------------------------------------------------


class WithoutUnseenItemsMixin:
    """A bulk action's confirmation lists the items the user may not act on, by title: only those they may see."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        refused = extra.get("items_with_no_access", [])
        if refused and not self.request.user.is_superuser:
            extra["items_with_no_access"] = [item for item in refused if self._may_see(item)]
        return objects, extra

    def _may_see(self, item) -> bool:
        if isinstance(item, Page):
            return item.pk in self._explorable_ids
        return policy_registry.get(item).user_has_any_permission_for_instance(
            self.request.user, ["change", "view", "choose"], item
        )

    @property
    def _explorable_ids(self):
        if not hasattr(self, "_explorable"):
            self._explorable = set(explorable_pages(self.request.user).values_list("pk", flat=True))
        return self._explorable


_scoped_bulk_actions = {}


def bulk_action(request, app_label, model_name, action):
    """Wagtail's bulk action dispatcher, with each action's confirmation kept to what the user may see."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    if action_class not in _scoped_bulk_actions:
        _scoped_bulk_actions[action_class] = type(
            f"Scoped{action_class.__name__}", (WithoutUnseenItemsMixin, action_class), {}
        )
    return _scoped_bulk_actions[action_class](request, model).dispatch(request)


# -- the workflow task chooser -----------------------------------------------------------------------------------------


def workflow_editors_only(view):
    """The task chooser serves the workflow editor and lists every institute's tasks: for those who edit workflows."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not can_edit_workflows(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _report_patterns():
    patterns = []
    for slug, view_class in REPORT_VIEWS.items():
        patterns += [
            path(f"admin/reports/{slug}/", view_class.as_view()),
            path(f"admin/reports/{slug}/results/", view_class.as_view(results_only=True)),
        ]
    return patterns


# No names: Wagtail's URL names still reverse to these same paths, which these views now answer.
urlpatterns = decorate_urlpatterns(
    [
        *_report_patterns(),
        path("admin/choose-page/<int:parent_page_id>/", page_chooser_browse),
        path("admin/choose-page/chosen-multiple/", ScopedChosenMultipleView.as_view()),
        path("admin/bulk/<str:app_label>/<str:model_name>/<str:action>/", bulk_action),
        path("admin/workflows/task_chooser/", workflow_editors_only(workflows.TaskChooserView.as_view())),
        path(
            "admin/workflows/task_chooser/results/",
            workflow_editors_only(workflows.TaskChooserResultsView.as_view()),
        ),
        path(
            "admin/workflows/task_chooser/create/",
            workflow_editors_only(workflows.TaskChooserCreateView.as_view()),
        ),
        path("admin/workflows/task_chooser/<int:task_id>/", workflow_editors_only(workflows.task_chosen)),
    ],
    require_admin_access,
)
