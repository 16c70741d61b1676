"""Download a workbook: the file if it is ready, else "preparing your workbook" (a refresh checks again)."""

import uuid

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

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
    if order.edition == services.FACILITATOR and not services.can_print_facilitator_edition(request.user):
        return render(request, "lms/workbooks/facilitators_only.html", status=403)
    if services.workbook_root(order) is None:
        raise Http404(_("This course or module does not exist or is not published."))
    path = services.cached_workbook(order)
    if path is None:
        build_workbook.enqueue(str(order.page_key), order.language, order.edition, order.paper)
        path = services.cached_workbook(order)  # already there when tasks run at once (development, tests)
    if path is None:
        return render(request, "lms/workbooks/preparing.html", status=202)
    filename = f"workbook-{order.language}-{order.edition}-{order.paper}.pdf"
    return FileResponse(default_storage.open(path, "rb"), content_type="application/pdf", filename=filename)
