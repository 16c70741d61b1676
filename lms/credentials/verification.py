"""Checking a credential offline: its proof (eddsa-rdfc-2022), the issuer's key (in the DID document this site
serves for that issuer), its dates and its status (in the status list this site serves). A credential of another
issuer cannot be checked here: that would need the network."""

import datetime
import gzip
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.translation import gettext as _

from curriculum.selectors.institutes import institute_by_slug
from lms.credentials import dataintegrity
from lms.credentials.documents import STATUS_LIST_BITS, Issuer
from lms.credentials.encoding import from_multibase_base64url, public_from_multikey
from lms.credentials.jsonld import JsonLdError, UndefinedTerm
from lms.credentials.models import SITE_ISSUER
from lms.credentials.services import did_document_of, status_list_signed


class Outcome(Enum):
    VALID = 0
    INVALID = 1  # a proof, a key or a date that does not hold
    REVOKED = 2
    UNCHECKABLE = 3  # not a credential this site can check offline


# The worst finding decides: a signature that fails outweighs everything else.
SEVERITY = [Outcome.VALID, Outcome.REVOKED, Outcome.UNCHECKABLE, Outcome.INVALID]


@dataclass
class Report:
    outcome: Outcome = Outcome.VALID
    checks: list[tuple[bool, str]] = field(default_factory=list)

    def passed(self, message: str):
        self.checks.append((True, message))

    def failed(self, message: str, outcome: Outcome = Outcome.INVALID):
        self.checks.append((False, message))
        self.outcome = max(self.outcome, outcome, key=SEVERITY.index)


def _parse_date(value) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def issuer_of_did(did: str) -> Issuer | None:
    """The issuer on this site that a did:web names, or None."""
    probe = Issuer(SITE_ISSUER)
    if did == probe.did:
        return probe
    prefix = probe.did + ":institutes:"
    if did.startswith(prefix):
        institute = institute_by_slug(unquote(did[len(prefix) :]))
        if institute is not None:
            return Issuer(str(institute.translation_key), institute.slug)
    return None


def _public_key(issuer: Issuer, method: str) -> Ed25519PublicKey | None:
    document = did_document_of(issuer)
    if method not in document["assertionMethod"]:
        return None
    for entry in document["verificationMethod"]:
        if entry["id"] == method and entry["controller"] == issuer.did:
            return Ed25519PublicKey.from_public_bytes(public_from_multikey(entry["publicKeyMultibase"]))
    return None


def _status_bit(entry: dict, issuer: Issuer) -> bool | None:
    """Whether the credential's bit is set in the status list, read (and its proof checked) as this site serves it;
    None if the entry does not point into one of this issuer's lists."""
    try:
        index = int(entry["statusListIndex"])
        number = next(n for n in range(1, 1000) if issuer.status_list_url(n) == entry["statusListCredential"])
    except (KeyError, TypeError, ValueError, StopIteration):
        return None
    status_list = status_list_signed(issuer, number)
    key = _public_key(issuer, status_list["proof"]["verificationMethod"])
    if key is None or not dataintegrity.proof_is_valid(status_list, key) or not 0 <= index < STATUS_LIST_BITS:
        return None
    bits = gzip.decompress(from_multibase_base64url(status_list["credentialSubject"]["encodedList"]))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def credential_verify(credential, *, now: datetime.datetime | None = None) -> Report:
    report = Report()
    now = now or datetime.datetime.now(datetime.UTC)
    proof = credential.get("proof") if isinstance(credential, dict) else None
    if not isinstance(proof, dict):
        report.failed(_("This is not a signed credential: it has no proof."), Outcome.UNCHECKABLE)
        return report
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != dataintegrity.CRYPTOSUITE:
        report.failed(_("Its proof is not an eddsa-rdfc-2022 Data Integrity proof."), Outcome.UNCHECKABLE)
        return report
    issuer_field = credential.get("issuer")
    issuer_id = issuer_field.get("id") if isinstance(issuer_field, dict) else issuer_field
    method = str(proof.get("verificationMethod", ""))
    issuer = issuer_of_did(str(issuer_id or ""))
    if issuer is None:
        report.failed(
            _("Its issuer (%(issuer)s) is not one of this site’s: it cannot be checked offline here.")
            % {"issuer": issuer_id},
            Outcome.UNCHECKABLE,
        )
        return report
    if proof.get("proofPurpose") != "assertionMethod" or method.split("#")[0] != issuer.did:
        report.failed(_("It is signed by a key that is not its issuer’s."))
        return report
    key = _public_key(issuer, method)
    if key is None:
        report.failed(_("The key that signed it is not in its issuer’s DID document."))
        return report
    report.passed(_("The signing key is its issuer’s (%(method)s).") % {"method": method})
    try:
        valid = dataintegrity.proof_is_valid(credential, key)
    except UndefinedTerm as error:
        report.failed(_("It holds a property that no context defines: %(term)s.") % {"term": error})
        return report
    except JsonLdError:
        report.failed(_("It names a JSON-LD context that is not bundled with this site."), Outcome.UNCHECKABLE)
        return report
    if not valid:
        report.failed(_("The signature does not match: the credential was changed after it was signed."))
        return report
    report.passed(_("The signature matches the credential."))

    valid_from, valid_until = _parse_date(credential.get("validFrom")), credential.get("validUntil")
    if valid_from is None or valid_from > now:
        report.failed(_("It is not valid yet, or its start date cannot be read."))
    elif valid_until is not None and (_parse_date(valid_until) is None or _parse_date(valid_until) <= now):
        report.failed(_("It has expired."))
    else:
        report.passed(_("Its dates hold."))

    entry = credential.get("credentialStatus")
    if entry is None:
        report.passed(_("It has no status entry: it cannot be revoked."))
        return report
    revoked = _status_bit(entry, issuer) if isinstance(entry, dict) else None
    if revoked is None:
        report.failed(_("Its status entry does not point into its issuer’s status list."))
    elif revoked:
        report.failed(_("Its issuer has revoked it."), Outcome.REVOKED)
    else:
        report.passed(_("Its issuer has not revoked it."))
    return report
