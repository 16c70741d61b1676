"""Admin views of records that belong to an institute (the institute itself, its certificates, ...): a member of one
institute's staff lists only their institute's records and gets a permission error for any other's.

Wagtail checks model permissions ("may change institutes") but its generic edit, delete, history and usage views do not
ask the permission policy about the one object they open. `scoped_views` adds that check to a viewset's views.
"""

from django.core.exceptions import PermissionDenied
from wagtail.permission_policies import ModelPermissionPolicy

from curriculum.institutes import institute_keys_of

ADMIN_ROLES = ("editors", "moderators")


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
    """Refuse (403) to open an object outside the user's institutes, whatever the view does with it."""

    scope_action = "change"

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


def scoped(view_class, action: str = "change"):
    """`view_class` with the per-object check (or, for an index view, the per-institute listing)."""
    if hasattr(view_class, "get_base_queryset") and not hasattr(view_class, "get_object"):
        return type(f"Scoped{view_class.__name__}", (ScopedIndexMixin, view_class), {})
    return type(f"Scoped{view_class.__name__}", (ScopedObjectMixin, view_class), {"scope_action": action})


def scoped_views(viewset_class):
    """A viewset class whose index lists only the user's institutes' records and whose other views refuse others'."""
    names = {
        "index_view_class": None,
        "edit_view_class": "change",
        "delete_view_class": "delete",
        "usage_view_class": "change",
        "history_view_class": "change",
        "inspect_view_class": "view",
        "copy_view_class": "change",
    }
    attributes = {
        name: scoped(getattr(viewset_class, name), action)
        for name, action in names.items()
        if getattr(viewset_class, name, None) is not None
    }
    return type(f"Scoped{viewset_class.__name__}", (viewset_class,), attributes)
