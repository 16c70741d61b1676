"""Signing keys, status list places and signed credentials: the writes of digital credentials."""

import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.certificates.models import Certificate
from lms.credentials import dataintegrity, documents, keys
from lms.credentials.documents import STATUS_LIST_BITS, Issuer
from lms.credentials.models import IssuedCredential, SigningKey, StatusEntry
from lms.records import create_or_read_back

logger = logging.getLogger(__name__)


def signing_key_ensure(*, issuer: str) -> SigningKey:
    """The issuer's current key, made if it has none whose private half is in the key folder (a new institute; a
    key folder lost or not copied to this server: a new key signs from now on, the old ones still verify)."""
    current = SigningKey.objects.filter(issuer=issuer, retired_at__isnull=True).order_by("-created_at", "-pk").first()
    if current is not None and keys.private_key_read(issuer, current.public_key_multibase) is not None:
        return current
    if current is not None:
        logger.warning(
            "The private key of %s's signing key %s is not in the key folder: making a new one",
            issuer,
            current.public_key_multibase,
        )
    return signing_key_rotate(issuer=issuer)


@transaction.atomic
def signing_key_rotate(*, issuer: str) -> SigningKey:
    """A new key pair for the issuer; the previous keys are retired but stay in its DID document, so that what they
    signed still verifies. Their private files are left in the key folder for the administrator to remove."""
    SigningKey.objects.filter(issuer=issuer, retired_at__isnull=True).update(retired_at=timezone.now())
    return SigningKey.objects.create(issuer=issuer, public_key_multibase=keys.private_key_write(issuer))


def status_entry_for(certificate: Certificate, issuer: Issuer) -> StatusEntry:
    """The certificate's place in its issuer's status list: random among the free ones (so a place tells nothing of
    when the certificate was issued), in a new list of 131,072 once the lists are half full."""
    existing = StatusEntry.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
    lists = StatusEntry.objects.filter(issuer=issuer.key).count() // (STATUS_LIST_BITS // 2) + 1
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return StatusEntry.objects.create(
                    certificate=certificate, issuer=issuer.key, index=secrets.randbelow(STATUS_LIST_BITS * lists)
                )
        except IntegrityError:
            existing = StatusEntry.objects.filter(certificate=certificate).first()
            if existing is not None:  # a concurrent request placed it
                return existing
    raise IntegrityError("No free place found in the status lists")


def credential_for(certificate: Certificate, language: str) -> IssuedCredential:
    """The certificate's signed OpenBadgeCredential in `language` (one the course exists in, else the language
    studied in): signed once, by the issuer's current key, then kept."""
    language = certificate.pdf_language(language)

    def signed():
        issuer = documents.issuer_of(certificate)
        key = signing_key_ensure(issuer=issuer.key)
        email = certificate.learner.email if certificate.learner_id and certificate.learner.email else ""
        unsigned = documents.credential_document(
            certificate,
            language,
            issuer=issuer,
            status_index=status_entry_for(certificate, issuer).index,
            salt=secrets.token_hex(8),
            email=email,
        )
        options = dataintegrity.proof_options(verification_method=issuer.verification_method(key.public_key_multibase))
        private_key = keys.private_key_read(issuer.key, key.public_key_multibase)
        return {"document": dataintegrity.sign(unsigned, private_key=private_key, options=options)}

    credential, _created = create_or_read_back(
        IssuedCredential, unique={"certificate": certificate, "language": language}, values=signed
    )
    return credential


def status_list_signed(issuer: Issuer, number: int) -> dict:
    """The issuer's status list number `number` as it stands now, signed by its current key: the bits of its
    revoked certificates set."""
    first = (number - 1) * STATUS_LIST_BITS
    revoked = StatusEntry.objects.filter(
        issuer=issuer.key, index__gte=first, index__lt=first + STATUS_LIST_BITS, certificate__revoked_at__isnull=False
    ).values_list("index", flat=True)
    unsigned = documents.status_list_document(issuer, number, {index - first for index in revoked}, timezone.now())
    key = signing_key_ensure(issuer=issuer.key)
    options = dataintegrity.proof_options(verification_method=issuer.verification_method(key.public_key_multibase))
    return dataintegrity.sign(
        unsigned, private_key=keys.private_key_read(issuer.key, key.public_key_multibase), options=options
    )


def did_document_of(issuer: Issuer) -> dict:
    """The issuer's DID document: every key it has had (made now if it has none)."""
    if not SigningKey.objects.filter(issuer=issuer.key).exists():
        signing_key_ensure(issuer=issuer.key)
    public_keys = list(SigningKey.objects.filter(issuer=issuer.key).values_list("public_key_multibase", flat=True))
    return documents.did_document(issuer, public_keys)
