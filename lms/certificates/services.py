"""Issuing, printing and revoking certificates."""

import datetime
from functools import lru_cache

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from curriculum.i18n import long_date
from curriculum.models import CoursePage
from lms.certificates.models import Certificate
from lms.certificates.snapshot import course_snapshot
from lms.pdf.render import pdf_storage, print_direction, render_pdf
from lms.pdf.store import pdf_build
from lms.records import create_or_read_back

# Landscape pages less the 10 mm margins on each side.
PAPER = {"a4": {"paper": "A4", "frame_height": "190mm"}, "letter": {"paper": "letter", "frame_height": "195mm"}}


def certificate_issue(
    *,
    learner,
    course: CoursePage,
    language: str | None = None,
    learner_name: str | None = None,
    workshop: dict | None = None,
    completed_on=None,
) -> Certificate:
    """Issue the learner's certificate for a completed course, once: a second call (or a concurrent one) returns
    the first certificate, as the unique constraint decides. A workshop names its participant as the facilitator
    wrote it (`learner_name`) and says where and when it took place (`workshop`: place, starts_on, ends_on) and
    when it was completed there (`completed_on`)."""

    def values():
        snapshot = course_snapshot(course)  # read only when the certificate is missing
        return {
            "learner_name": learner_name or learner.certificate_name,
            "course_titles": snapshot["titles"] or {course.locale.language_code: course.title},
            "institute": snapshot["institute"],
            "institute_key": course.institute.translation_key if course.institute_id else None,
            "elements": snapshot["elements"],
            "hours": snapshot["hours"],
            "completed_on": completed_on or timezone.localdate(),
            "language": language or course.locale.language_code,
            "workshop": workshop or {},
        }

    certificate, _created = create_or_read_back(
        Certificate, unique={"learner": learner, "course_key": course.translation_key}, values=values
    )
    return certificate


def verification_url(certificate: Certificate) -> str:
    return settings.PUBLIC_BASE_URL + reverse("certificates:verify", args=[certificate.token])


def _pdf_path(certificate: Certificate, language: str) -> str:
    paper = settings.CERTIFICATE_PAPER.lower()
    return f"certificates/{certificate.token}-{language}-{paper}.pdf"


@lru_cache(maxsize=256)
def _qr_data_uri(url: str) -> str:
    """The verification address as a QR code (an SVG data URI), encoded once per certificate and process: segno's
    mask search took 15-30 ms, about half of the HTML's time, and a certificate prints in several languages."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#1b1f1c")


def certificate_html(certificate: Certificate, language: str, *, claim: dict | None = None) -> str:
    """The certificate as HTML to print. `claim` ({"code", "url"}) adds the claim code of a workshop participant
    who has no account yet, in small print."""
    with translation.override(language):
        return render_to_string(
            "pdf/certificate.html",
            {
                "certificate": certificate,
                "language": language,
                **print_direction(language),
                "course_title": certificate.course_title(language),
                "course_title_language": certificate.course_title_language(language),
                "institute_name_language": certificate.institute_name_language(language),
                "elements_language": certificate.element_titles_language(language),
                "institute_name": certificate.institute_name(language),
                "signatory_title": certificate.signatory_title(language),
                "brand_colour": certificate.brand_colour,
                "elements": certificate.element_titles(language),
                "completed_on": long_date(certificate.completed_on, language),
                # To the second: the document information keeps no fraction, and PDF/A wants XMP to say the same.
                "issued_at": certificate.issued_at.astimezone(datetime.UTC).replace(microsecond=0).isoformat(),
                "workshop_text": certificate.workshop_text(language),
                "claim": claim,
                "qr_svg": _qr_data_uri(verification_url(certificate)),
                "verification_url": verification_url(certificate),
                "verify_form_url": (settings.PUBLIC_BASE_URL + reverse("certificates:verify_code")).split("://")[-1],
                **PAPER[settings.CERTIFICATE_PAPER.lower() if settings.CERTIFICATE_PAPER.lower() in PAPER else "a4"],
            },
        )


def certificate_render_pdf(certificate: Certificate, language: str) -> bytes:
    """The certificate printed in `language`, rendered by WeasyPrint from templates/pdf/certificate.html."""
    html = certificate_html(certificate, language)
    # PDF/A-3u: an archival PDF, as institutes file certificates for years.
    return render_pdf(html, variant="pdf/a-3u")


def certificate_pdf(certificate: Certificate, language: str) -> bytes:
    """The PDF, rendered once per certificate, language and paper size (however many ask at once), then read from
    the private storage."""
    return pdf_build(_pdf_path(certificate, language), lambda: certificate_render_pdf(certificate, language))


def _delete_pdfs(tokens: set[str]) -> None:
    """The printed copies kept for download."""
    storage = pdf_storage()
    if tokens and storage.exists("certificates"):
        for name in storage.listdir("certificates")[1]:
            if name.lstrip(".").split("-", 1)[0] in tokens:  # a temporary file of a write cut short too
                storage.delete(f"certificates/{name}")


def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    """Revoke with a reason; the printed copies kept for download go too."""
    _delete_pdfs({certificate.token})
    if not certificate.is_revoked:
        certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    return certificate


def certificates_release_holder(*, learner) -> int:
    """The learner is deleting their account: their certificates stay as records of what was issued, unlinked from
    them, without their name, and revoked (the verification page says why); the printed copies are deleted once
    the deletion is committed. Returns how many."""
    certificates = Certificate.objects.filter(learner=learner)
    tokens = set(certificates.values_list("token", flat=True))
    certificates.update(
        learner=None, learner_name="", holder_deleted=True, revoked_at=Coalesce(F("revoked_at"), Value(timezone.now()))
    )
    transaction.on_commit(lambda: _delete_pdfs(tokens))
    return len(tokens)


def certificates_keep_for_holder(*, learner) -> int:
    """A workshop participant's held account is deleted with their details (they were taken off the workshop): the
    certificates issued to it stay valid records, with the name printed on them, unlinked from the account (so
    deleting it does not revoke them, as deleting a learner's own account does). Returns how many."""
    return Certificate.objects.filter(learner=learner).update(learner=None)
