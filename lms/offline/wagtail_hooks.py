"""The "Keep this course on my phone" part of a course page (hidden until offline.js shows it)."""

from django.urls import reverse
from wagtail import hooks

from curriculum.models import CoursePage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT, CURRICULUM_PAGE_PARTS


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_offline_manifest(*, page, request, context):
    if isinstance(page, CoursePage):
        context["offline_manifest_url"] = reverse("offline:manifest", args=[page.translation_key])


@hooks.register(CURRICULUM_PAGE_PARTS, order=2)
def offline_parts():
    return {"downloads": "lms/offline/keep_course.html"}
