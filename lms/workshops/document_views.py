"""The workshop's paper for its facilitators: the sheets pack, the page a sheet's QR code opens, and the
certificates (issue the missing ones, then build and download the pack). Another institute's workshop is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lms.workshops import certification, documents
from lms.workshops.models import Workshop
from lms.workshops.selectors import workshop_of, workshops_of

# How often the progress page of a pack being built reloads itself (a refresh meta: no JavaScript needed).
PROGRESS_REFRESH_SECONDS = 3


def _workshop_page(workshop: Workshop, anchor: str = "") -> str:
    """The facilitator's page of the workshop (w-web's views); the workshop's folder until that page exists."""
    try:
        url = reverse("workshops:detail", args=[workshop.pk])
    except NoReverseMatch:
        url = reverse("workshops:claim").removesuffix("claim/") + f"{workshop.pk}/"
    return url + anchor


@login_required
def sheets(request, workshop_id):
    """The sheets pack, once built (in the background): until then, its progress page."""
    workshop = workshop_of(request.user, workshop_id)
    stored = documents.sheets_open(workshop)
    if stored is None:
        return redirect("workshops:sheets_pack", workshop_id=workshop.pk)
    filename = f"workshop-{workshop.code}-sheets-{workshop.language}.pdf"
    return FileResponse(stored, content_type="application/pdf", filename=filename, as_attachment=False)


@login_required
def sheets_progress(request, workshop_id):
    workshop = workshop_of(request.user, workshop_id)
    pack, ready = documents.sheets_status(workshop)
    building = not ready and not (pack and pack.failed)
    return render(
        request,
        "lms/workshops/sheets_pack.html",
        {
            "workshop": workshop,
            "pack": pack,
            "ready": ready,
            "building": building,
            "refresh_seconds": PROGRESS_REFRESH_SECONDS,
            "workshop_url": _workshop_page(workshop),
        },
        status=202 if building else 200,
    )


@login_required
def sheet_open(request, code):
    """What a sheet's QR code (or its typed code, "K7M2QX-S2") opens: the page where that sheet is entered."""
    workshop_code, _dash, sheet_code = code.upper().replace(" ", "").partition("-")
    workshop = workshops_of(request.user).filter(code=workshop_code).first()
    if workshop is None:
        raise Http404(_("No workshop of yours has this sheet code. Check the code printed at the top of the sheet."))
    target = documents.sheet_for_code(workshop, sheet_code)
    if target is None:
        raise Http404(_("This workshop has no sheet with this code. Check the code printed at the top of the sheet."))
    kind, which = target
    # w-web's recording pages; until they exist, the workshop page.
    names = {"session": "workshops:attendance", "quiz": "workshops:paper_results"}
    try:
        return redirect(reverse(names[kind], args=[workshop.pk, which]))
    except NoReverseMatch:
        return redirect(_workshop_page(workshop))


@login_required
@require_POST
def certify(request, workshop_id):
    """Issue the certificates due, then build the pack of all of them."""
    workshop = workshop_of(request.user, workshop_id)
    issued = certification.workshop_certify(workshop=workshop)
    if issued:
        messages.success(
            request,
            ngettext("%(count)d certificate issued.", "%(count)d certificates issued.", len(issued))
            % {"count": len(issued)},
        )
    else:
        messages.info(request, _("No new certificate: everyone who meets the completion rule has theirs."))
    return redirect("workshops:certificates_pack", workshop_id=workshop.pk)


@login_required
def pack_progress(request, workshop_id):
    workshop = workshop_of(request.user, workshop_id)
    pack, ready, count = certification.pack_status(workshop)
    building = bool(count) and not ready and not (pack and pack.failed)
    return render(
        request,
        "lms/workshops/certificates_pack.html",
        {
            "workshop": workshop,
            "pack": pack,
            "ready": ready,
            "count": count,
            "building": building,
            "refresh_seconds": PROGRESS_REFRESH_SECONDS,
            "workshop_url": _workshop_page(workshop),
        },
        status=202 if building else 200,
    )


@login_required
def pack_download(request, workshop_id):
    workshop = workshop_of(request.user, workshop_id)
    stored = certification.pack_open(workshop)
    if stored is None:
        return redirect("workshops:certificates_pack", workshop_id=workshop.pk)
    filename = f"workshop-{workshop.code}-certificates-{workshop.language}.pdf"
    return FileResponse(stored, content_type="application/pdf", filename=filename)
