"""Workbook downloads offered on course and module pages, in every language the content really exists in."""

from django.conf import settings
from wagtail import hooks

from curriculum.models import CoursePage, ModulePage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT, CURRICULUM_PAGE_PARTS
from curriculum.permissions import can_print_facilitator_edition
from curriculum.selectors.languages import written_versions


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_workbook_links(*, page, request, context):
    if isinstance(page, CoursePage | ModulePage):
        available = set(written_versions(keys=[page.translation_key]).values_list("locale__language_code", flat=True))
        context["workbook_languages"] = [code for code, _name in settings.LANGUAGES if code in available]
        context["can_print_facilitator_edition"] = can_print_facilitator_edition(request.user, page)


@hooks.register(CURRICULUM_PAGE_PARTS)
def workbook_parts():
    return {"downloads": "lms/workbooks/links.html"}
