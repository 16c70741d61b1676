"""Digital credentials on the web: a learner downloads their own; anyone holding the verification address downloads
the credential it verifies; issuers' DID documents and status lists are public, as verifiers must read them."""

import json
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from curriculum.selectors.institutes import institute_by_slug
from lms.accounts.forms import too_many_attempts_message
from lms.certificates.models import Certificate
from lms.certificates.views import TOKEN, VERIFY_LOOKUPS
from lms.credentials import services
from lms.credentials.documents import STATUS_LIST_BITS, Issuer
from lms.credentials.models import SITE_ISSUER, StatusEntry

LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _json(document: dict, content_type: str, filename: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=f"{content_type}; charset=utf-8"
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # wallets and verifiers read these from their own pages
    return response


def _credential_response(certificate: Certificate, language: str) -> HttpResponse:
    if certificate.is_revoked:
        raise Http404(_("This certificate has been revoked."))
    credential = services.credential_for(certificate, language)
    filename = f"credential-{certificate.code}-{credential.language}.json"
    return _json(credential.document, "application/ld+json", filename)


@login_required
def learner_credential(request, token):
    """The learner's own credential, in ?language= if the course exists in it."""
    if not TOKEN.fullmatch(token):
        raise Http404(_("Certificate not found"))
    certificate = get_object_or_404(Certificate, token=token, learner=request.user)
    return _credential_response(certificate, request.GET.get("language") or certificate.language)


def public_credential(request, token, language):
    """The credential a verification page verifies (its address is the credential's id)."""
    wait = VERIFY_LOOKUPS.reserve(request)
    if wait:
        return HttpResponse(too_many_attempts_message(wait), status=429, content_type="text/plain; charset=utf-8")
    if not TOKEN.fullmatch(token) or not LANGUAGE.fullmatch(language):
        raise Http404(_("Certificate not found"))
    certificate = get_object_or_404(Certificate, token=token)
    if language not in certificate.languages:
        raise Http404(_("Certificate not found"))
    return _credential_response(certificate, language)


def _institute_issuer(slug: str) -> Issuer:
    institute = institute_by_slug(slug)
    if institute is None:
        raise Http404(_("No institute has this address."))
    return Issuer(str(institute.translation_key), institute.slug)


def institute_did_document(request, slug):
    return _json(services.did_document_of(_institute_issuer(slug)), "application/did+ld+json")


def site_did_document(request):
    return _json(services.did_document_of(Issuer(SITE_ISSUER)), "application/did+ld+json")


def _status_list(issuer: Issuer, number: int) -> HttpResponse:
    last = StatusEntry.objects.filter(issuer=issuer.key).order_by("-index").values_list("index", flat=True).first()
    lists = (last or 0) // STATUS_LIST_BITS + 1
    if not 1 <= number <= lists:
        raise Http404(_("No such status list."))
    response = _json(services.status_list_signed(issuer, number), "application/ld+json")
    response["Cache-Control"] = "public, max-age=300"  # a revocation shows within five minutes
    return response


def status_list(request, slug, number):
    return _status_list(_institute_issuer(slug), number)


def site_status_list(request, number):
    return _status_list(Issuer(SITE_ISSUER), number)
