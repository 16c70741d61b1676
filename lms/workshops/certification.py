"""Certificates of a workshop: issued to the participants who meet its completion rule (the same Certificate record,
verification page, QR code and revocation as any other), and printed together as one pack, built in the
background with its progress kept in CertificatePack."""

import hashlib
import json
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from curriculum.models import CoursePage
from curriculum.selectors.languages import live_page
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_html, certificate_issue
from lms.pdf.render import render_pdf_of_documents
from lms.pdf.store import pdf_exists, pdf_lease, pdf_open, pdf_queue, pdf_save, pdf_unqueue
from lms.progress.services import enrolment_create, enrolment_mark_completed
from lms.workshops.documents import older_files_remove, workshop_folder
from lms.workshops.models import CertificatePack, Participant, Workshop
from lms.workshops.rules import workshop_completions

logger = logging.getLogger(__name__)

# A worker waits this long for another process building the same pack (which renews its lease while alive).
WAIT_FOR_OTHER_BUILD = 10 * 60


def workshop_snapshot(workshop: Workshop) -> dict:
    """What a certificate records of the workshop: where and when, as it was when issued."""
    return {
        "place": workshop.place,
        "starts_on": workshop.starts_on.isoformat(),
        "ends_on": workshop.ends_on.isoformat(),
    }


def workshop_certify(*, workshop: Workshop) -> list[Certificate]:
    """Issue the missing certificates of the participants who meet the workshop's rule; returns those issued now.
    Safe to repeat (and to race: certificate_issue's unique constraint decides)."""
    course = live_page(CoursePage, workshop.course_key, workshop.language)
    if course is None:
        return []
    participants = list(workshop.participants.select_related("learner"))
    completions = workshop_completions(workshop, participants)
    certified = set(
        Certificate.objects.filter(
            course_key=workshop.course_key, learner_id__in=[participant.learner_id for participant in participants]
        ).values_list("learner_id", flat=True)
    )
    issued = []
    for participant in participants:
        if participant.learner_id in certified or not completions[participant.pk].is_met:
            continue
        with transaction.atomic():
            # The course is complete for them: enrolled (so it shows in "My learning") and marked completed.
            enrolment_create(learner=participant.learner, course=course)
            enrolment_mark_completed(learner=participant.learner, course=course)
            issued.append(
                certificate_issue(
                    learner=participant.learner,
                    course=course,
                    language=workshop.language,
                    learner_name=participant.name,
                    workshop=workshop_snapshot(workshop),
                    # The workshop's last day, unless certificates are issued before it is over.
                    completed_on=min(timezone.localdate(), workshop.ends_on),
                )
            )
    return issued


def claim_url(language: str) -> str:
    """The claim page's address as printed (without https://, which nobody types)."""
    with translation.override(language):
        return (settings.PUBLIC_BASE_URL + reverse("workshops:claim")).split("://")[-1]


def pack_entries(workshop: Workshop) -> list[tuple[Certificate, str | None]]:
    """The workshop's valid certificates in name order, each with the claim code to print on it (a participant
    without an account who has not claimed their record yet), or None."""
    participants = {
        participant.learner_id: participant
        for participant in Participant.objects.filter(workshop=workshop).only(
            "learner_id", "name", "claim_code", "claimed_at", "has_own_account"
        )
    }
    certificates = Certificate.objects.filter(
        course_key=workshop.course_key, learner_id__in=list(participants), revoked_at__isnull=True
    ).order_by("learner_name", "pk")
    entries = []
    for certificate in certificates:
        participant = participants[certificate.learner_id]
        unclaimed = not participant.has_own_account and participant.claimed_at is None
        entries.append((certificate, participant.claim_code if unclaimed else None))
    return entries


def _template_fingerprint() -> str:
    return hashlib.sha256((Path(settings.BASE_DIR) / "templates" / "pdf" / "certificate.html").read_bytes()).hexdigest()


def pack_fingerprint(workshop: Workshop, entries) -> str:
    contents = {
        "certificates": [[certificate.token, certificate.learner_name, code] for certificate, code in entries],
        "language": workshop.language,
        "paper": settings.CERTIFICATE_PAPER,
        "template": _template_fingerprint(),
        "base": settings.PUBLIC_BASE_URL,
    }
    return hashlib.sha256(json.dumps(contents, sort_keys=True).encode()).hexdigest()[:16]


def _job(workshop_pk: int) -> str:
    """What a build is leased and queued under, whatever certificates the worker finds when it starts."""
    return f"workshops/{workshop_pk}/certificates"


def pack_path(workshop: Workshop, fingerprint: str) -> str:
    return f"{workshop_folder(workshop)}/certificates-{workshop.language}-{fingerprint}.pdf"


def pack_status(workshop: Workshop) -> tuple[CertificatePack | None, bool, int]:
    """(the pack's record, whether its file holds today's certificates, how many certificates there are now). A
    pack that is missing or out of date is queued, unless a live build is queued or leased already."""
    entries = pack_entries(workshop)
    fingerprint = pack_fingerprint(workshop, entries)
    pack = CertificatePack.objects.filter(workshop=workshop).first()
    if pack and pack.fingerprint == fingerprint and pack.path and pdf_exists(pack.path):
        return pack, True, len(entries)
    if entries and pdf_queue(job := _job(workshop.pk)):
        pack, _created = CertificatePack.objects.update_or_create(
            workshop=workshop,
            defaults={"fingerprint": fingerprint, "done": 0, "total": len(entries), "path": "", "failed": False},
        )
        from lms.workshops.tasks import build_certificate_pack  # the task module imports this one

        try:
            build_certificate_pack.enqueue(workshop.pk)
        except Exception:
            pdf_unqueue(job)  # let the next request try again
            raise
        pack.refresh_from_db()  # built by now when tasks run at once (development, tests)
        return pack, pack.fingerprint == fingerprint and bool(pack.path), len(entries)
    return pack, False, len(entries)


def pack_open(workshop: Workshop):
    """The stored pack, open, if it holds today's certificates; else None."""
    pack, ready, _count = pack_status(workshop)
    return pdf_open(pack.path) if ready else None


def pack_build(workshop_pk: int) -> str:
    """Render the pack of the workshop's certificates as they are now and store it whole; returns its path."""
    with pdf_lease(_job(workshop_pk), wait=WAIT_FOR_OTHER_BUILD):
        workshop = Workshop.objects.get(pk=workshop_pk)
        entries = pack_entries(workshop)
        fingerprint = pack_fingerprint(workshop, entries)
        path = pack_path(workshop, fingerprint)
        record = dict(fingerprint=fingerprint, done=0, total=len(entries), path="", failed=False)
        CertificatePack.objects.update_or_create(workshop=workshop, defaults=record)
        pack = CertificatePack.objects.filter(workshop=workshop, fingerprint=fingerprint)
        if not pdf_exists(path):
            try:
                address = claim_url(workshop.language)
                htmls = [
                    certificate_html(
                        certificate, workshop.language, claim={"code": code, "url": address} if code else None
                    )
                    for certificate, code in entries
                ]
                pdf = render_pdf_of_documents(htmls, progress=lambda done, total: pack.update(done=done))
                pdf_save(path, pdf)
            except Exception:
                logger.exception("Could not build the certificates of workshop %s", workshop_pk)
                pack.update(failed=True)
                raise
            older_files_remove(workshop, prefix="certificates-", keep=path.rsplit("/", 1)[-1])
        pack.update(done=len(entries), path=path)
        return path
