"""Keeping what is cached of the page tree (curriculum.selectors.generation) true to the published tree, and to
what its pages show besides it (the anonymous visitors' copies of whole pages, lms.anonymous_pages, are keyed by
the same generation)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction, Locale, Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from curriculum.selectors.generation import next_structure_generation


def forget_course_structures(**_signal_kwargs) -> None:
    """A page was published, unpublished, moved or deleted: every cached read of the tree is now stale.

    Again once the change is committed, in case a request cached the old structure in between.
    """
    next_structure_generation()
    transaction.on_commit(next_structure_generation)


def forget_shown_content(sender, update_fields=None, **signal_kwargs) -> None:
    """Something public pages show besides the tree changed (an element's or an institute's name, an image, a
    document, who may see a page): what is cached of them is stale, as after a publish. Not the file hash Wagtail
    writes into an image the first time it is used, which changes nothing shown."""
    if update_fields and set(update_fields) <= {"file_hash"}:
        return
    forget_course_structures()


def forget_converted_alias(sender, update_fields=None, **signal_kwargs) -> None:
    """An alias became a page of its own (Wagtail's "convert alias", which publishes nothing): its language no longer
    falls back to the source, as the switcher and the notice say."""
    if update_fields and "alias_of_id" in update_fields:
        forget_course_structures()


def connect() -> None:
    """Called once the apps are ready, when every page model exists (a page deleted is deleted as its own type)."""
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget_course_structures, dispatch_uid=f"forget-structures-{signal}")
    for model in Page.__subclasses__() + [Page]:
        post_delete.connect(forget_course_structures, sender=model, dispatch_uid=f"forget-structures-{model}")
    for model in get_page_models():
        post_save.connect(forget_converted_alias, sender=model, dispatch_uid=f"forget-alias-{model}")
    from curriculum.models import ILMElement, Institute

    shown = (ILMElement, Institute, get_image_model(), get_document_model(), PageViewRestriction)
    for model in (*shown, CollectionViewRestriction, Locale, Site):
        for signal in (post_save, post_delete):
            signal.connect(forget_shown_content, sender=model, dispatch_uid=f"forget-shown-{signal}-{model}")
    # A deploy migrates: pages kept by the code before it (its templates, its strings) are not served after it.
    post_migrate.connect(forget_course_structures, dispatch_uid="forget-structures-after-migrating")
