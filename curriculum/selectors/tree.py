"""Where a page sits in the tree: paths of its ancestors, and the course it is in."""

from django.db.models import Q
from wagtail.models import Page

from curriculum.models import CoursePage

STEP = Page.steplen


def parent_path(path: str, generations: int = 1) -> str:
    return path[: -STEP * generations]


def under_any(paths: list[str]) -> Q:
    """Pages below (or at) any of `paths`."""
    return Q.create([("path__startswith", path) for path in paths], connector=Q.OR)


def course_of(page: Page, ancestors: list[Page] | None = None) -> Page | None:
    """The course `page` is in (a course is in itself), or None for a page outside any course.

    Found by type among the page's ancestors, never by its position below them. With the `ancestors` already read
    (a curriculum page's `breadcrumbs`) it costs no query and returns the course as a plain Page; without, one query
    that returns the CoursePage.
    """
    if isinstance(page, CoursePage):
        return page
    if ancestors is not None:
        return next((ancestor for ancestor in ancestors if ancestor.specific_class is CoursePage), None)
    ancestor_paths = [page.path[: STEP * depth] for depth in range(1, page.depth)]
    return CoursePage.objects.filter(path__in=ancestor_paths).first()
