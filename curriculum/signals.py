"""Keeping what is cached of the page tree (curriculum.selectors.generation) true to the published tree."""

from django.db import transaction
from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from curriculum.selectors.generation import next_structure_generation


def forget_course_structures(**_signal_kwargs) -> None:
    """A page was published, unpublished, moved or deleted: every cached read of the tree is now stale.

    Again once the change is committed, in case a request cached the old structure in between.
    """
    next_structure_generation()
    transaction.on_commit(next_structure_generation)


def connect() -> None:
    """Called once the apps are ready, when every page model exists (a page deleted is deleted as its own type)."""
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget_course_structures, dispatch_uid=f"forget-structures-{signal}")
    for model in Page.__subclasses__() + [Page]:
        post_delete.connect(forget_course_structures, sender=model, dispatch_uid=f"forget-structures-{model}")
