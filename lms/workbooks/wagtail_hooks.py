"""Workbook downloads offered on course and module pages, in every language the content really exists in."""

from django.conf import settings
from wagtail import hooks

from curriculum.models import CoursePage, ModulePage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT, CURRICULUM_PAGE_PARTS
from curriculum.permissions import can_print_facilitator_edition
from curriculum.selectors.languages import written_versions
from lms.workbooks.services import WorkbookOrder, workbook_facts


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_workbook_links(*, page, request, context):
    if isinstance(page, CoursePage | ModulePage):
        available = set(written_versions(keys=[page.translation_key]).values_list("locale__language_code", flat=True))
        languages = [code for code, _name in settings.LANGUAGES if code in available]
        context["workbook_languages"] = languages
        # What the link says of each file (the learner edition on A4, as chosen first): its size and page count.
        orders = [WorkbookOrder(page_key=page.translation_key, language=code) for code in languages]
        facts = workbook_facts(orders)
        context["workbook_choices"] = [(order.language, facts.get(order)) for order in orders]
        context["workbook_sizes_known"] = bool(facts)
        context["can_print_facilitator_edition"] = can_print_facilitator_edition(request.user, page)


@hooks.register(CURRICULUM_PAGE_PARTS)
def workbook_parts():
    return {"downloads": "lms/workbooks/links.html"}
