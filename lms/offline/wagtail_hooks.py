"""The "Keep this course on my phone" part of a course page (hidden until offline.js shows it), and in the admin,
a course page's "Download for Kiwix (ZIM)" for its institute's staff."""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from curriculum.models import CoursePage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT, CURRICULUM_PAGE_PARTS


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_offline_manifest(*, page, request, context):
    if isinstance(page, CoursePage):
        context["offline_manifest_url"] = reverse("offline:manifest", args=[page.translation_key])


@hooks.register(CURRICULUM_PAGE_PARTS, order=2)
def offline_parts():
    return {"downloads": "lms/offline/keep_course.html"}


@hooks.register("register_admin_urls")
def register_zim_download_url():
    from lms.offline.admin_views import zim_download

    return [path("offline/courses/<int:course_id>/course.zim", zim_download, name="offline_zim")]


@hooks.register("register_page_header_buttons")
def zim_download_button(page, user, view_name=None, next_url=None):
    from lms.offline.admin_views import may_export_zim

    if isinstance(page.specific_deferred, CoursePage) and page.live and may_export_zim(user, page.specific_deferred):
        yield Button(
            _("Download for Kiwix (ZIM)"),
            reverse("offline_zim", args=[page.pk]),
            icon_name="download",
            priority=90,
        )
