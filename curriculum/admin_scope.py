"""Admin views of records that belong to an institute (the institute itself, its certificates, ...): a member of one
institute's staff lists only their institute's records and gets a permission error for any other's.

Wagtail checks model permissions ("may change institutes") but its generic edit, delete, history and usage views do not
ask the permission policy about the one object they open. ScopedModelViewSet and ScopedSnippetViewSet use views that
do. Which institutes a user belongs to, and in which role, is curriculum.permissions'.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale, PageLogEntry, Task, Workflow
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views import snippets

from curriculum.models import Institute, InstituteSectionPage
from curriculum.permissions import ADMIN_ROLES, ROLES, institute_keys_of


class InstituteScopedPolicy(ModelPermissionPolicy):
    """Model permissions as usual, limited to the records of the user's institutes (site administrators: all)."""

    def __init__(self, model, *, institute_key_field: str, roles=ADMIN_ROLES):
        super().__init__(model)
        self.institute_key_field = institute_key_field  # a lookup giving the owning institute's translation_key
        self.roles = roles

    def institute_key(self, instance):
        value = instance
        for part in self.institute_key_field.split("__"):
            value = getattr(value, part)
        return value

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return user.is_superuser or self.institute_key(instance) in institute_keys_of(user, self.roles)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        if user.is_superuser:
            return instances
        return instances.filter(**{f"{self.institute_key_field}__in": institute_keys_of(user, self.roles)})


class ScopedObjectMixin:
    """Refuse (403) to open an object outside the user's institutes, whatever the view does with it: checked where
    the view gets its object, as Wagtail's own image views do."""

    scope_action = "change"  # what the user must be allowed to do to this object to open the view

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, self.scope_action, instance):
            raise PermissionDenied
        return instance


class ScopedIndexMixin:
    """List the records the user may change or view (whichever their role has) in their own institutes."""

    def get_base_queryset(self):
        allowed = self.permission_policy.instances_user_has_any_permission_for(self.request.user, ["change", "view"])
        return super().get_base_queryset().filter(pk__in=allowed.values("pk"))


# -- the views of a model viewset (certificates) and of a snippet viewset (institutes), scoped -----------------------
# Every view that lists or opens records of the model; "add" opens none, and the model permission covers it.


class ScopedIndexView(ScopedIndexMixin, generic.IndexView):
    pass


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    scope_action = "delete"


class ScopedUsageView(ScopedObjectMixin, UsageView):
    pass


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scope_action = "view"


class ScopedCopyView(ScopedObjectMixin, generic.CopyView):
    pass


class ScopedModelViewSet(ModelViewSet):
    """A model viewset whose index lists only the user's institutes' records and whose other views refuse others'.
    The model's permission policy (an InstituteScopedPolicy) says which records are whose."""

    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    usage_view_class = ScopedUsageView
    history_view_class = ScopedHistoryView
    inspect_view_class = ScopedInspectView
    copy_view_class = ScopedCopyView


class ScopedSnippetIndexView(ScopedIndexMixin, snippets.IndexView):
    pass


class ScopedSnippetEditView(ScopedObjectMixin, snippets.EditView):
    pass


class ScopedSnippetDeleteView(ScopedObjectMixin, snippets.DeleteView):
    scope_action = "delete"


class ScopedSnippetUsageView(ScopedObjectMixin, snippets.UsageView):
    pass


class ScopedSnippetHistoryView(ScopedObjectMixin, snippets.HistoryView):
    pass


class ScopedSnippetInspectView(ScopedObjectMixin, snippets.InspectView):
    scope_action = "view"


class ScopedSnippetCopyView(ScopedObjectMixin, snippets.CopyView):
    pass


class ScopedSnippetViewSet(snippets.SnippetViewSet):
    """As ScopedModelViewSet, for a snippet."""

    index_view_class = ScopedSnippetIndexView
    edit_view_class = ScopedSnippetEditView
    delete_view_class = ScopedSnippetDeleteView
    usage_view_class = ScopedSnippetUsageView
    history_view_class = ScopedSnippetHistoryView
    inspect_view_class = ScopedSnippetInspectView
    copy_view_class = ScopedSnippetCopyView


# -- what of other institutes a user must not see in Wagtail's own views --------------------------------------------


@dataclass
class ForeignScope:
    """What belongs to institutes where the user is neither editor nor moderator: their staff (who are not also the
    user's institute's), workflows and sections. Empty for administrators."""

    staff_groups: set = field(default_factory=set)
    own_groups: set = field(default_factory=set)
    workflows: set = field(default_factory=set)
    section_paths: list = field(default_factory=list)


def foreign_scope(user) -> ForeignScope:
    """Worked out once per request (kept on the request's user) in three queries."""
    if user.is_superuser or not user.is_authenticated:
        return ForeignScope()
    if not hasattr(user, "_foreign_scope"):
        user_groups = set(user.groups.values_list("pk", flat=True))
        scope = ForeignScope()
        foreign_keys = []
        rows = Institute.objects.filter(locale=Locale.get_default()).values(
            "translation_key", "workflow_id", *(f"{role}_id" for role in ROLES)
        )
        for row in rows:
            groups = {row[f"{role}_id"] for role in ROLES} - {None}
            if user_groups & {row[f"{role}_id"] for role in ADMIN_ROLES}:
                scope.own_groups |= groups
            else:
                scope.staff_groups |= groups
                scope.workflows.add(row["workflow_id"])
                foreign_keys.append(row["translation_key"])
        scope.workflows.discard(None)
        scope.section_paths = list(
            InstituteSectionPage.objects.filter(institute__translation_key__in=foreign_keys).values_list(
                "path", flat=True
            )
        )
        user._foreign_scope = scope
    return user._foreign_scope


def foreign_staff(user):
    """Staff of other institutes who are not also staff of one of the user's."""
    scope = foreign_scope(user)
    User = get_user_model()
    if not scope.staff_groups:
        return User.objects.none()
    return User.objects.filter(groups__in=scope.staff_groups).exclude(groups__in=scope.own_groups)


def foreign_workflows(user):
    return Workflow.objects.filter(pk__in=foreign_scope(user).workflows)


def foreign_tasks(user):
    """The tasks of other institutes' workflows (unless one of the user's institutes' workflows has them too)."""
    scope = foreign_scope(user)
    tasks = Task.objects.filter(workflow_tasks__workflow__in=scope.workflows)
    return tasks.exclude(workflow_tasks__workflow__in=Workflow.objects.exclude(pk__in=scope.workflows))


def foreign_pages_filter(user) -> Q | None:
    """Pages in other institutes' sections (every language's tree), as a filter; None when there are none."""
    paths = foreign_scope(user).section_paths
    return Q.create([("path__startswith", path) for path in paths], connector=Q.OR) if paths else None


def foreign_drafts_filter(user) -> Q | None:
    """Other institutes' pages that are not live: the ones an editor may not even link to."""
    foreign = foreign_pages_filter(user)
    return foreign & Q(live=False) if foreign is not None else None


def without_foreign_choices(queryset, user):
    """A filter's choices (people, workflows, tasks) without those that belong to other institutes only."""
    foreign = {
        get_user_model(): foreign_staff,
        Workflow: foreign_workflows,
        Task: foreign_tasks,
    }.get(queryset.model)
    if foreign is None or user.is_superuser:
        return queryset
    return queryset.exclude(pk__in=foreign(user).values("pk"))


class ScopedChoicesMixin:
    """For a Wagtail filter set: the people, workflows and tasks offered as choices leave out other institutes'.

    Wagtail builds these choices from every row in the database ("Edited by", "Locked by", "Requested by", the
    workflow and task lists), whatever the listing below them shows: they named another institute's staff.
    """

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is None:
            return
        for choice_filter in self.filters.values():
            if not hasattr(choice_filter, "get_queryset"):
                continue
            choices = choice_filter.get_queryset(request)
            if choices is None:
                choices = choice_filter.extra.get("queryset")
            if choices is not None:
                choice_filter.queryset = without_foreign_choices(choices, request.user)


def scope_log_entries(entries, user):
    """Log entries of objects the user may act on.

    Wagtail shows a user every log entry of a model they have any permission on (every institute's certificates, for
    a moderator); page entries it already limits to the pages the user may explore. Entries of other models are kept
    when their object is one the model's permission policy lets the user change, view or choose: deleted objects'
    entries are for administrators.
    """
    if user.is_superuser or issubclass(entries.model, PageLogEntry):
        return entries
    return entries.filter(_object_entries_filter(user, entries.model))


def _object_entries_filter(user, log_model) -> Q:
    filters = user.__dict__.setdefault("_object_entries_filters", {})  # once per request and kind of log entry
    if log_model not in filters:
        allowed = Q(pk__in=[])
        viewable = log_model.objects.viewable_by_user(user).order_by()
        for content_type_id in viewable.values_list("content_type_id", flat=True).distinct():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None:
                continue
            objects = policy_registry.get_by_type(model).instances_user_has_any_permission_for(
                user, ["change", "view", "choose"]
            )
            # Log entries keep the object's key as text.
            keys = objects.order_by().values_list(Cast("pk", output_field=CharField()), flat=True)
            allowed |= Q(content_type_id=content_type_id, object_id__in=keys)
        filters[log_model] = allowed
    return filters[log_model]


class InstituteMediaPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's policy for images and documents, except that deleting one takes the collection's "delete"
    permission.

    Wagtail treats "delete" as "change" and lets whoever uploaded an image change it, so an institute's editors could
    delete the logo and signature its certificates print. Its migrations give the "delete" permission to the groups
    that had it before (Wagtail's own Editors and Moderators); curriculum.institutes gives it to moderators.
    """

    DELETE = "delete"

    def user_has_permission(self, user, action):
        if action == self.DELETE:
            return self._check_perm(user, [self.DELETE])
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        others = [action for action in actions if action != self.DELETE]
        if len(others) < len(actions) and self._check_perm(user, [self.DELETE], collection=instance.collection):
            return True
        return bool(others) and super().user_has_any_permission_for_instance(user, others, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        others = [action for action in actions if action != self.DELETE]
        if len(others) == len(actions):
            return super().instances_user_has_any_permission_for(user, actions)
        if user.is_active and user.is_superuser:
            return self.model._default_manager.all()
        if not user.is_authenticated:
            return self.model._default_manager.none()
        allowed = Q(collection__in=self._collections_with_perm(user, [self.DELETE]))
        if others:
            allowed |= Q(pk__in=super().instances_user_has_any_permission_for(user, others).values("pk"))
        return self.model._default_manager.filter(allowed)

    def users_with_any_permission(self, actions):
        return self._with_deleters(actions, super().users_with_any_permission, None)

    def users_with_any_permission_for_instance(self, actions, instance):
        for_instance = super().users_with_any_permission_for_instance
        return self._with_deleters(actions, lambda others: for_instance(others, instance), instance.collection)

    def _with_deleters(self, actions, users_for, collection):
        others = [action for action in actions if action != self.DELETE]
        if len(others) == len(actions):
            return users_for(actions)
        allowed = Q(pk__in=self._users_with_perm([self.DELETE], collection=collection).values("pk"))
        if others:
            allowed |= Q(pk__in=users_for(others).values("pk"))
        return get_user_model().objects.filter(allowed)
