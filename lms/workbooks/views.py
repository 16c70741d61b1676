"""Download a workbook: the file if it is ready, else "preparing your workbook" (a refresh checks again)."""

import uuid

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from curriculum.permissions import can_print_facilitator_edition
from lms.pdf.store import pdf_open, pdf_queue, pdf_unqueue
from lms.workbooks import services
from lms.workbooks.tasks import build_workbook


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
    # Queued unless a build is queued or leased by a live process: a build whose worker died has let its lease
    # lapse, so this request queues it again for the next worker.
    if stored is None and pdf_queue(job := services.workbook_job(order)):
        services.workbook_builds_abandon(order)  # a build still marked running here lost its worker
        try:
            build_workbook.enqueue(str(order.page_key), order.language, order.edition, order.paper)
        except Exception:
            pdf_unqueue(job)  # let the next request try again
            raise
        stored = pdf_open(path)  # built by now when tasks run at once (development, tests)
    if stored is None:
        return render(request, "lms/workbooks/preparing.html", status=202)
    filename = f"workbook-{order.language}-{order.edition}-{order.paper}.pdf"
    return FileResponse(stored, content_type="application/pdf", filename=filename)
