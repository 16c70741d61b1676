"""Workbook downloads offered on course and module pages, in every language the content really exists in."""

from django.conf import settings
from wagtail import hooks
from wagtail.models import Page

from curriculum.models import CoursePage, ModulePage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT
from lms.workbooks import services


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_workbook_links(*, page, request, context):
    if isinstance(page, CoursePage | ModulePage):
        languages = (
            Page.objects.live()
            .filter(translation_key=page.translation_key, alias_of__isnull=True)
            .values_list("locale__language_code", flat=True)
        )
        available = set(languages)
        context["workbook_languages"] = [code for code, _name in settings.LANGUAGES if code in available]
        context["can_print_facilitator_edition"] = services.can_print_facilitator_edition(request.user, page)
