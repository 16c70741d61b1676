"""Workbook downloads offered on course and module pages, in every language the content really exists in."""

import json

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language, gettext, ngettext
from wagtail import hooks

from curriculum.i18n import language_name_in
from curriculum.models import CoursePage, ModulePage
from curriculum.pages_hooks import CURRICULUM_PAGE_CONTEXT, CURRICULUM_PAGE_PARTS
from curriculum.permissions import can_print_facilitator_edition
from curriculum.selectors.languages import written_languages
from lms.workbooks.services import EDITIONS, LEARNER, PAPERS, WorkbookOrder, workbook_facts


@hooks.register(CURRICULUM_PAGE_CONTEXT)
def add_workbook_links(*, page, request, context):
    if isinstance(page, CoursePage | ModulePage):
        available = written_languages(page.translation_key)
        languages = [code for code, _name in settings.LANGUAGES if code in available]
        context["workbook_languages"] = languages
        facilitator = can_print_facilitator_edition(request.user, page)
        context["can_print_facilitator_edition"] = facilitator
        # The size and page count of the very file chosen (language, paper, edition), for those built once.
        orders = [
            WorkbookOrder(page_key=page.translation_key, language=code, edition=edition, paper=paper)
            for code in languages
            for paper in PAPERS
            for edition in (EDITIONS if facilitator else (LEARNER,))
        ]
        facts = workbook_facts(orders)
        sizes = {_choice(order): _what_the_file_is(order, facts[order]) for order in facts}
        context["workbook_sizes"] = json.dumps(sizes, ensure_ascii=False) if sizes else ""
        if languages:  # the form's first choice: the page's language if the workbook is written in it
            chosen = get_language() if get_language() in languages else languages[0]
            context["workbook_first_size"] = sizes.get(_choice(WorkbookOrder(page.translation_key, chosen)), "")


def _choice(order: WorkbookOrder) -> str:
    """The form's choice of this workbook, as static/js/workbooks.js spells it: language, paper, edition."""
    return f"{order.language} {order.paper} {order.edition}"


def _what_the_file_is(order: WorkbookOrder, facts: dict) -> str:
    """ "French, A4, learner edition: 71 pages, 300.0 KB": which file the figures are of, said in full, so that
    they still read right where the script that changes them with the choice does not run."""
    edition = gettext("learner edition") if order.edition == LEARNER else gettext("facilitator edition")
    paper = gettext("A4") if order.paper == "a4" else gettext("US Letter")
    return ngettext(
        "%(language)s, %(paper)s, %(edition)s: %(pages)s page, %(size)s",
        "%(language)s, %(paper)s, %(edition)s: %(pages)s pages, %(size)s",
        facts["pages"],
    ) % {
        "language": language_name_in(order.language, get_language()),
        "paper": paper,
        "edition": edition,
        "pages": facts["pages"],
        "size": filesizeformat(facts["bytes"]),
    }


@hooks.register(CURRICULUM_PAGE_PARTS)
def workbook_parts():
    return {"downloads": "lms/workbooks/links.html"}
