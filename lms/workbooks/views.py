"""Download a workbook: the file if it is ready, else "preparing your workbook" (a refresh checks again)."""

import uuid

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from curriculum.permissions import can_print_facilitator_edition
from lms.pdf.store import pdf_open
from lms.workbooks import services


def download(request, page_key: uuid.UUID):
    try:
        order = services.WorkbookOrder(
            page_key=page_key,
            language=request.GET.get("language") or translation.get_language(),
            edition=request.GET.get("edition") or services.LEARNER,
            paper=request.GET.get("paper") or "a4",
        )
    except ValueError:
        raise Http404(
            _("There is no such workbook. Choose a language, an edition and a paper size from the course page.")
        ) from None
    root = services.workbook_root(order)
    if root is None:
        raise Http404(_("This course or module does not exist or is not published."))
    if order.edition == services.FACILITATOR and not can_print_facilitator_edition(request.user, root):
        return render(request, "lms/workbooks/facilitators_only.html", status=403)
    path = services.expected_workbook_path(order, root)
    stored = pdf_open(path)
    # Normally built when the course was published (lms.workbooks.apps); else queued now, unless a build is queued
    # or running already.
    if stored is None and services.workbook_enqueue(order):
        stored = pdf_open(path)  # built by now when tasks run at once (development, tests)
    if stored is None:
        return render(request, "lms/workbooks/preparing.html", status=202)
    filename = f"workbook-{order.language}-{order.edition}-{order.paper}.pdf"
    return FileResponse(stored, content_type="application/pdf", filename=filename)
