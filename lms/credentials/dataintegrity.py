"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa): Ed25519 signatures over the RDFC-1.0
canonical form of the credential and of the proof's options.

Why this suite rather than a VC-JWT or eddsa-jcs-2022: it is the suite Open Badges 3.0 names for embedded proofs and
the one 1EdTech's conformance tests accept (Open edX's legacy Ed25519Signature2020 is not); the proof is embedded, so
the credential stays one JSON-LD file a learner can keep, print as JSON or hand to any wallet, and it verifies offline
with the issuer's public key alone; canonicalising the RDF (not the JSON text) means a wallet that re-orders or
re-indents the JSON does not break it, while every statement the contexts define is signed; Ed25519 keys are small,
fast and deterministic (no random number at signing time to get wrong)."""

import datetime
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lms.credentials.encoding import from_multibase_base58, multibase_base58
from lms.credentials.jsonld import canonize

CRYPTOSUITE = "eddsa-rdfc-2022"


def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    """The bytes signed: SHA-256 of the canonical proof options, then SHA-256 of the canonical document."""
    proof_config = {**proof_options, "@context": unsecured["@context"]}
    return (
        hashlib.sha256(canonize(proof_config).encode()).digest() + hashlib.sha256(canonize(unsecured).encode()).digest()
    )


def proof_options(*, verification_method: str, created: datetime.datetime | None = None) -> dict:
    created = (created or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC).replace(microsecond=0)
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.isoformat().replace("+00:00", "Z"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def sign(unsecured: dict, *, private_key: Ed25519PrivateKey, options: dict) -> dict:
    """The document with its proof added."""
    signature = private_key.sign(_hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": multibase_base58(signature)}}


def proof_is_valid(secured: dict, public_key: Ed25519PublicKey) -> bool:
    """Whether the proof's signature covers this document and these proof options."""
    proof = dict(secured["proof"])
    proof_value = proof.pop("proofValue")
    unsecured = {key: value for key, value in secured.items() if key != "proof"}
    try:
        public_key.verify(from_multibase_base58(proof_value), _hash_data(unsecured, proof))
    except (InvalidSignature, ValueError):
        return False
    return True
