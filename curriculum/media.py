"""Which images and documents a page or an institute may use: its own institute's, never another's.

The choosers only offer a user the images and documents of collections they may choose from, but a form takes any
id it is sent. The admin forms of curriculum pages and institutes (`InstitutePageForm`, `InstituteForm`) check every
image and document they are given: the model's own fields here, the lesson blocks' in their `clean`
(curriculum.blocks), which ask `media_refusal` while such a form is validating.

A page belongs to the institute whose section holds it; an item is refused when it sits in another institute's
collection, or when the user may not choose it (unless the page or institute already used it: an editor keeps the
image an administrator put there).
"""

from contextvars import ContextVar
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.permissions import policy_registry

_current_check: ContextVar["MediaCheck | None"] = ContextVar("curriculum_media_check", default=None)

REFUSALS = {
    "foreign": {
        "image": lambda: _("This image belongs to another institute: choose one from this institute's collection."),
        "document": lambda: _(
            "This document belongs to another institute: choose one from this institute's collection."
        ),
    },
    "not_choosable": {
        "image": lambda: _("You may not use this image: choose one from your institute's collection."),
        "document": lambda: _("You may not use this document: choose one from your institute's collection."),
    },
}


def _kind(item) -> str | None:
    if isinstance(item, AbstractImage):
        return "image"
    if isinstance(item, AbstractDocument):
        return "document"
    return None


def media_in(value):
    """The images and documents in a field's value: a chosen item, or any depth of blocks."""
    if _kind(value):
        yield value
    elif isinstance(value, StreamValue):
        for child in value:
            yield from media_in(child.value)
    elif isinstance(value, StructValue | dict):
        for child in value.values():
            yield from media_in(child)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            yield from media_in(child)


def _key(item) -> tuple[str, int]:
    return (item._meta.label, item.pk)


@dataclass
class MediaCheck:
    user: object
    institute_key: object  # the translation_key of the institute the object belongs to; None outside any section
    already_used: set = field(default_factory=set)

    def refusal(self, item) -> str | None:
        kind = _kind(item)
        if kind is None or item.pk is None:
            return None
        if item.collection_id in self._foreign_collections:
            return REFUSALS["foreign"][kind]()
        if _key(item) in self.already_used or self.user is None:
            return None
        if not policy_registry.get(item).user_has_permission_for_instance(self.user, "choose", item):
            return REFUSALS["not_choosable"][kind]()
        return None

    @property
    def _foreign_collections(self) -> set[int]:
        if not hasattr(self, "_foreign"):
            self._foreign = foreign_collection_ids(self.institute_key)
        return self._foreign


def foreign_collection_ids(institute_key) -> set[int]:
    """The collections (with those inside them) of every institute but this one."""
    from wagtail.models import Collection, Locale

    from curriculum.models import Institute

    others = Institute.objects.filter(locale=Locale.get_default(), collection__isnull=False).select_related(
        "collection"
    )
    if institute_key is not None:
        others = others.exclude(translation_key=institute_key)
    ids = set()
    for institute in others:
        ids.update(Collection.objects.descendant_of(institute.collection, inclusive=True).values_list("pk", flat=True))
    return ids


def media_refusal(item) -> str | None:
    """Why the form being validated may not use this image or document; None if it may (or outside such a form)."""
    check = _current_check.get()
    return check.refusal(item) if check else None


class MediaScopedFormMixin:
    """Validates with a MediaCheck in place, and checks the model's own image and document fields."""

    def institute_key(self):
        raise NotImplementedError

    def full_clean(self):
        used = set()
        if self.instance.pk:
            for name in self.fields:
                value = getattr(self.instance, name, None) if hasattr(type(self.instance), name) else None
                used.update(_key(item) for item in media_in(value))
        token = _current_check.set(MediaCheck(self.for_user, self.institute_key(), used))
        try:
            super().full_clean()
        finally:
            _current_check.reset(token)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            refusal = media_refusal(value) if _kind(value) else None
            if refusal:
                self.add_error(name, refusal)
        return cleaned


class InstitutePageForm(MediaScopedFormMixin, WagtailAdminPageForm):
    def institute_key(self):
        from curriculum.models import InstituteSectionPage

        page = self.instance if self.instance.pk else self.parent_page
        if page is None:
            return None
        section = InstituteSectionPage.objects.ancestor_of(page, inclusive=True).select_related("institute").first()
        return section.institute.translation_key if section else None


class InstituteForm(MediaScopedFormMixin, WagtailAdminModelForm):
    def institute_key(self):
        return self.instance.translation_key
