"""Download a workbook: the file if it is ready, else "preparing your workbook" (a refresh checks again)."""

import uuid

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from lms.pdf.render import pdf_storage
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
    if order.edition == services.FACILITATOR and not services.can_print_facilitator_edition(request.user, root):
        return render(request, "lms/workbooks/facilitators_only.html", status=403)
    path = services.expected_workbook_path(order, root)
    storage = pdf_storage()
    if not storage.exists(path) and services.claim_build(path):
        try:
            build_workbook.enqueue(str(order.page_key), order.language, order.edition, order.paper)
        except Exception:
            services.release_build(path)  # let the next request try again
            raise
    if not storage.exists(path):  # built by now when tasks run at once (development, tests)
        return render(request, "lms/workbooks/preparing.html", status=202)
    filename = f"workbook-{order.language}-{order.edition}-{order.paper}.pdf"
    return FileResponse(pdf_storage().open(path, "rb"), content_type="application/pdf", filename=filename)
