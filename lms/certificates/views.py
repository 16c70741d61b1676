"""Download your own certificates; anyone verifies a certificate from its QR code or its short code."""

import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from lms.accounts.forms import too_many_attempts_message
from lms.accounts.ratelimit import RateLimit
from lms.certificates import services
from lms.certificates.models import CODE_ALPHABET, CODE_LENGTH, Certificate

VERIFY_LOOKUPS = RateLimit("verify", limit=60, window=10 * 60)
# What new_token() makes: anything else is not looked up at all.
TOKEN = re.compile(r"[0-9a-f]{32}")


def _with_requested_language(request):
    """Verification pages have no language prefix (the QR code is printed once): ?language= picks one."""
    requested = request.GET.get("language", "")
    if requested in dict(settings.LANGUAGES):
        translation.activate(requested)
        request.LANGUAGE_CODE = requested


def _rate_limited(request):
    wait = VERIFY_LOOKUPS.reserve(request)
    if wait:
        return render(
            request, "lms/certificates/verify_form.html", {"error": too_many_attempts_message(wait)}, status=429
        )
    return None


def verify(request, token):
    _with_requested_language(request)
    refused = _rate_limited(request)
    if refused:
        return refused
    certificate = Certificate.objects.filter(token=token).first() if TOKEN.fullmatch(token) else None
    if certificate is None:
        return render(request, "lms/certificates/not_found.html", status=404)
    language = translation.get_language()
    return render(
        request,
        "lms/certificates/verify.html",
        {
            "certificate": certificate,
            "course_title": certificate.course_title(language),
            "institute_name": certificate.institute_name(language),
            "workshop_text": certificate.workshop_text(language),
        },
    )


def normalise_code(text: str) -> str:
    """What a person types from paper: any case, spaces or dashes; O read as 0 is not in the alphabet anyway."""
    return "".join(character for character in text.upper() if character.isalnum())


def verify_code(request):
    _with_requested_language(request)
    typed = request.GET.get("code", "")
    if "code" not in request.GET:
        return render(request, "lms/certificates/verify_form.html")
    if not typed.strip():
        error = _("Type the code printed at the bottom of the certificate.")
        return render(request, "lms/certificates/verify_form.html", {"error": error}, status=400)
    refused = _rate_limited(request)
    if refused:
        return refused
    code = normalise_code(typed)
    certificate = None
    if len(code) == CODE_LENGTH and all(character in CODE_ALPHABET for character in code):
        certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return render(
            request,
            "lms/certificates/verify_form.html",
            {
                "error": _("No certificate has the code “%(code)s”. Check each character and try again.")
                % {"code": typed[:20]},
                "code": typed[:20],
            },
            status=404,
        )
    return redirect("certificates:verify", token=certificate.token)


@login_required
def download(request, token):
    if not TOKEN.fullmatch(token):
        raise Http404(_("Certificate not found"))
    certificate = get_object_or_404(Certificate, token=token, learner=request.user)
    language = certificate.pdf_language(request.GET.get("language"))
    if certificate.is_revoked:
        raise Http404(_("This certificate has been revoked."))
    pdf = services.certificate_pdf(certificate, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}-{language}.pdf"'
    return response
