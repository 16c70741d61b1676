"""The JSON-LD documents of digital credentials, built from what the site holds: an issuer's DID document, an
Open Badges 3.0 credential for a certificate, and an issuer's Bitstring Status List. Nothing here writes or signs
(services.py does)."""

import datetime
import gzip
import hashlib
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from curriculum.selectors.catalogue import catalogue_page
from curriculum.selectors.institutes import course_summaries, institute_by_key
from lms.certificates.models import Certificate
from lms.certificates.services import verification_url
from lms.credentials.encoding import multibase_base64url
from lms.credentials.jsonld import DID_V1, MULTIKEY_V1, OB_V3, VC_V2
from lms.credentials.models import SITE_ISSUER

# 16 KB of bits, the Bitstring Status List's minimum: one revoked certificate hides among 131,072 places.
STATUS_LIST_BITS = 16 * 1024 * 8
ILM_FRAMEWORK = "Integrated landscape management (ILM): the five elements"


def _absolute(path: str) -> str:
    return path if "://" in path else settings.PUBLIC_BASE_URL + path


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Issuer:
    """Who signs: an institute (its translation_key and slug) or the site itself (SITE_ISSUER, no slug)."""

    key: str
    slug: str = ""

    @property
    def did(self) -> str:
        """did:web on our host (a port's colon percent-encoded, as the did:web method says); an institute's DID
        has the path institutes:<slug>, which resolves to https://<host>/institutes/<slug>/did.json."""
        host = quote(urlsplit(settings.PUBLIC_BASE_URL).netloc, safe="")
        return f"did:web:{host}" + (f":institutes:{self.slug}" if self.slug else "")

    def status_list_url(self, number: int) -> str:
        if self.slug:
            return _absolute(reverse("credentials:status_list", args=[self.slug, number]))
        return _absolute(reverse("credentials:site_status_list", args=[number]))

    def verification_method(self, public_key_multibase: str) -> str:
        return f"{self.did}#{public_key_multibase}"


def issuer_of(certificate: Certificate) -> Issuer:
    institute = institute_by_key(certificate.institute_key) if certificate.institute_key else None
    return Issuer(str(institute.translation_key), institute.slug) if institute else Issuer(SITE_ISSUER)


def did_document(issuer: Issuer, public_keys: list[str]) -> dict:
    """Every key the issuer ever had, oldest first: a retired key still asserts what it signed."""
    methods = [issuer.verification_method(key) for key in public_keys]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": issuer.did,
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": issuer.did, "publicKeyMultibase": key}
            for method, key in zip(methods, public_keys, strict=True)
        ],
        "assertionMethod": methods,
    }


def encoded_status_list(revoked_indexes: set[int], bits: int = STATUS_LIST_BITS) -> str:
    """GZIP-compressed bits, base64url multibase ("u..."): bit 0 is the first byte's most significant bit."""
    bitstring = bytearray(bits // 8)
    for index in revoked_indexes:
        bitstring[index // 8] |= 0x80 >> (index % 8)
    return multibase_base64url(gzip.compress(bytes(bitstring), mtime=0))


def status_list_document(issuer: Issuer, number: int, revoked_indexes: set[int], valid_from: datetime.datetime):
    url = issuer.status_list_url(number)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": _iso(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(revoked_indexes),
        },
    }


def identity_hash(email: str, salt: str) -> str:
    """Open Badges 3.0's hashed identity: "sha256$" and the hex SHA-256 of the address (as the account holds it)
    followed by the salt."""
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


def completion_rule(language: str) -> str:
    with translation.override(language):
        return gettext(
            "Completed every lesson of the course and passed every quiz in it at the quiz's pass mark. Issued "
            "automatically by Landscape Academy when the last one was done, or by a facilitator after a workshop."
        )


def achievement_description(certificate: Certificate, language: str, summaries: dict[str, str]) -> str:
    summary = summaries.get(language) or ""
    with translation.override(language):
        hours = ngettext("About %(hours)d hour of study.", "About %(hours)d hours of study.", certificate.hours) % {
            "hours": certificate.hours
        }
    return f"{summary} {hours}".strip()


def credential_url(certificate: Certificate, language: str) -> str:
    return _absolute(reverse("credentials:public", args=[certificate.token, language]))


def credential_document(
    certificate: Certificate, language: str, *, issuer: Issuer, status_index: int, salt: str, email: str
) -> dict:
    """The certificate as an unsigned OpenBadgeCredential in `language`, which the last context makes the default
    language of every text in it (an @language that JSON-LD gives each string, so RDF readers see "..."@fr)."""
    institute = institute_by_key(certificate.institute_key) if certificate.institute_key else None
    profile = {
        "id": issuer.did,
        "type": ["Profile"],
        "name": certificate.institute_name(language) or settings.WAGTAIL_SITE_NAME,
        "url": (institute.website if institute and institute.website else settings.PUBLIC_BASE_URL + "/"),
    }
    if certificate.institute.get("logo"):
        profile["image"] = {"id": _absolute(certificate.institute["logo"]), "type": "Image"}
    catalogue = catalogue_page(language) or catalogue_page(settings.LANGUAGE_CODE)
    catalogue_url = _absolute(catalogue.url if catalogue else f"/{language}/")
    achievement = {
        "id": f"urn:uuid:{certificate.course_key}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": certificate.course_title(language),
        "description": achievement_description(certificate, language, course_summaries(certificate.course_key)),
        "criteria": {"narrative": completion_rule(language)},
        "inLanguage": language,
        "tag": [title for _number, title in certificate.element_titles(language)],
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": title,
                "targetCode": f"ilm-element-{number}",
                "targetFramework": ILM_FRAMEWORK,
                "targetUrl": f"{catalogue_url}?element={number}",  # the catalogue's courses on it
            }
            for number, title in certificate.element_titles(language)
        ],
    }
    subject = {"type": ["AchievementSubject"], "name": certificate.learner_name, "achievement": achievement}
    if email:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ]
    status_list = issuer.status_list_url(status_index // STATUS_LIST_BITS + 1)
    return {
        "@context": [VC_V2, OB_V3, {"@language": language}],
        "id": credential_url(certificate, language),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.course_title(language),
        "issuer": profile,
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_list}#{status_index % STATUS_LIST_BITS}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index % STATUS_LIST_BITS),
            "statusListCredential": status_list,
        },
    }


def linkedin_url(certificate: Certificate, language: str) -> str:
    """LinkedIn's "Add licence or certification" form, filled in."""
    issued = certificate.issued_at
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.course_title(language),
        "organizationName": certificate.institute_name(language) or settings.WAGTAIL_SITE_NAME,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": verification_url(certificate),
        "certId": certificate.code,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)
