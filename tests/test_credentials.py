"""Open Badges 3.0 credentials: every certificate is also a W3C Verifiable Credential signed with eddsa-rdfc-2022 by its
institute's key, revocable through a Bitstring Status List. Issued credentials are checked here by an implementation
that is not ours: pyld's canonicalisation and cryptography's Ed25519, with every context read from local files."""

import base64
import copy
import gzip
import hashlib
import io
import json
import socket
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from pyld import jsonld as pyld
from pyld.documentloader.frozen import BUNDLED_CONTEXTS, FrozenDocumentLoader

from curriculum.institutes import institute_setup
from lms.certificates.services import certificate_issue, certificate_revoke
from lms.certificates.wagtail_hooks import RevocationForm
from lms.credentials import dataintegrity
from lms.credentials.documents import issuer_of
from lms.credentials.jsonld import CONTEXTS_DIR, JsonLdError, UndefinedTerm, canonize
from lms.credentials.models import SigningKey
from lms.credentials.services import credential_for, signing_key_rotate
from lms.credentials.verification import Outcome, credential_verify

pytestmark = pytest.mark.django_db
User = get_user_model()
HOST = quote(urlsplit(settings.PUBLIC_BASE_URL).netloc, safe="")  # did:web percent-encodes a port's colon

# Contexts for the independent check: pyld's own bundle and the two files we ship, read here from disk.
INDEPENDENT_LOADER = FrozenDocumentLoader(
    {
        **BUNDLED_CONTEXTS,
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": CONTEXTS_DIR / "ob-v3p0-context-3.0.3.jsonld",
        "https://w3id.org/security/multikey/v1": CONTEXTS_DIR / "multikey-v1.jsonld",
        # The W3C examples context the eddsa-rdfc-2022 test vector uses: a default vocabulary.
        "https://www.w3.org/ns/credentials/examples/v2": {
            "@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}
        },
    }
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Only the database (local) may be reached: any other connection fails the test."""
    real_connect = socket.socket.connect

    def local_only(self, address):
        if self.family == socket.AF_UNIX or address[0] in ("127.0.0.1", "::1", "localhost"):
            return real_connect(self, address)
        raise AssertionError(f"network access to {address}")

    monkeypatch.setattr(socket.socket, "connect", local_only)


def b58decode(text: str) -> bytes:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for character in text:
        number = number * 58 + alphabet.index(character)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def independent_canonical(document: dict) -> str:
    return pyld.normalize(
        document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": INDEPENDENT_LOADER}
    )


def independently_verified(secured: dict, public_key_multibase: str) -> bool:
    """eddsa-rdfc-2022 verification as the spec writes it, from pyld and cryptography only."""
    proof = dict(secured["proof"])
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    signature = b58decode(proof.pop("proofValue")[1:])
    unsecured = {key: value for key, value in secured.items() if key != "proof"}
    proof["@context"] = secured["@context"]
    hash_data = (
        hashlib.sha256(independent_canonical(proof).encode()).digest()
        + hashlib.sha256(independent_canonical(unsecured).encode()).digest()
    )
    raw_key = b58decode(public_key_multibase[1:])
    assert raw_key[:2] == b"\xed\x01"
    try:
        Ed25519PublicKey.from_public_bytes(raw_key[2:]).verify(signature, hash_data)
    except InvalidSignature:
        return False
    return True


def resolve_did_web(client, did: str) -> dict:
    """did:web resolution as the method defines it, through the test client instead of HTTPS."""
    parts = did.removeprefix("did:web:").split(":")
    path = "/" + "/".join(parts[1:]) + "/did.json" if len(parts) > 1 else "/.well-known/did.json"
    response = client.get(path)
    assert response.status_code == 200
    return response.json()


def key_of(client, credential: dict) -> str:
    method = credential["proof"]["verificationMethod"]
    document = resolve_did_web(client, method.split("#")[0])
    assert method in document["assertionMethod"]
    (entry,) = [entry for entry in document["verificationMethod"] if entry["id"] == method]
    assert entry["type"] == "Multikey" and entry["controller"] == document["id"]
    return entry["publicKeyMultibase"]


def status_bit(client, credential: dict) -> bool:
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    url = entry["statusListCredential"].removeprefix(settings.PUBLIC_BASE_URL)
    status_list = client.get(url).json()
    assert status_list["issuer"] == credential["issuer"]["id"]
    assert independently_verified(status_list, key_of(client, status_list))
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) >= 16 * 1024
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


@pytest.fixture
def learner(db):
    return User.objects.create_user(
        "awa@example.org", "awa@example.org", "pw-awa-2045", display_name="Awa Traoré", preferred_language="fr"
    )


@pytest.fixture
def certificate(learner, demo_course):
    return certificate_issue(learner=learner, course=demo_course, language="fr")


def test_an_issued_credential_verifies_with_an_implementation_that_is_not_ours(certificate, client):
    document = credential_for(certificate, "fr").document
    assert document["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    issuer = document["issuer"]
    assert issuer["id"] == f"did:web:{HOST}:institutes:landscape-learning-institute"
    assert issuer["type"] == ["Profile"] and issuer["name"] == certificate.institute_name("fr") and issuer["url"]
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Gestion intégrée des paysages : les cinq éléments"
    assert achievement["criteria"]["narrative"] and "25" in achievement["description"]
    assert len(achievement["tag"]) == 5 and [a["targetCode"] for a in achievement["alignment"]][0] == "ilm-element-1"
    subject = document["credentialSubject"]
    assert subject["name"] == "Awa Traoré"
    (identity,) = subject["identifier"]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    assert (
        identity["identityHash"]
        == "sha256$" + hashlib.sha256(b"awa@example.org" + identity["salt"].encode()).hexdigest()
    )
    assert document["validFrom"].endswith("Z")

    assert independently_verified(document, key_of(client, document))
    assert status_bit(client, document) is False
    assert credential_verify(document).outcome == Outcome.VALID
    assert credential_for(certificate, "fr").document == document, "signed once, then kept"


def test_one_changed_character_fails(certificate, client):
    document = credential_for(certificate, "fr").document
    key = key_of(client, document)
    for path, change in (
        (("credentialSubject", "name"), "Awa Traorê"),
        (("validFrom",), document["validFrom"].replace("0", "1", 1)),
        (("credentialSubject", "achievement", "name"), "Gestion intégrée des paysages : les cinq élements"),
    ):
        tampered = copy.deepcopy(document)
        target = tampered
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = change
        assert not independently_verified(tampered, key)
        assert credential_verify(tampered).outcome == Outcome.INVALID
    undefined = {**copy.deepcopy(document), "grade": "A"}
    with pytest.raises(UndefinedTerm):
        canonize(undefined)
    assert credential_verify(undefined).outcome == Outcome.INVALID, "a property no context defines is not signed"


def test_a_revoked_certificate_verifies_as_revoked(certificate, client, tmp_path):
    document = credential_for(certificate, "fr").document
    certificate_revoke(certificate=certificate, reason="Issued by mistake")
    assert independently_verified(document, key_of(client, document)), "the proof still holds"
    assert status_bit(client, document) is True
    assert credential_verify(document).outcome == Outcome.REVOKED
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_credential", str(path), "--language", "fr", stdout=out)
    assert exit_.value.code == 2 and "Révoqué" in out.getvalue()

    form = RevocationForm(data={"revocation_reason": ""}, instance=certificate)  # staff reinstate it
    assert form.is_valid(), form.errors
    form.save()
    assert status_bit(client, document) is False
    assert credential_verify(document).outcome == Outcome.VALID


def test_the_published_eddsa_rdfc_2022_test_vector_reproduces(monkeypatch):
    """W3C vc-di-eddsa, "Representation: eddsa-rdfc-2022" (key pair and Alumni Credential of its test vectors)."""
    from lms.credentials import jsonld

    monkeypatch.setitem(jsonld.document_loader.documents, *list(INDEPENDENT_LOADER.documents.items())[-1])
    unsecured = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": "https://vc.example/issuers/5678",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
    }
    secret = b58decode("3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    assert secret[:2] == b"\x80\x26"
    signed = dataintegrity.sign(
        unsecured, private_key=Ed25519PrivateKey.from_private_bytes(secret[2:]), options=options
    )
    assert signed["proof"]["proofValue"] == (
        "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9"
    )
    assert dataintegrity._hash_data(unsecured, options).hex() == (
        "4c4d3890a157f8d611b13c265c2c22f39aa0a567c7c7dd9ba3e45cd579784eeb"
        "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
    )
    assert independently_verified(signed, "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")


def test_each_language_of_the_course_has_its_credential_with_language_tags(certificate, learner):
    client = Client()
    client.force_login(learner)
    assert set(certificate.languages) == {"en", "fr", "es", "sw"}, "the languages the demo course is written in"
    for language in certificate.languages:
        response = client.get(f"/{language}/learning/certificates/{certificate.token}/credential/?language={language}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/ld+json")
        assert f'filename="credential-{certificate.code}-{language}.json"' in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"], "a learner's own download, like their PDFs"
        document = json.loads(response.content)
        assert document["@context"][-1] == {"@language": language}
        assert document["credentialSubject"]["achievement"]["inLanguage"] == language
        title = certificate.course_title(language)
        assert document["credentialSubject"]["achievement"]["name"] == title
        assert f'"{title}"@{language}' in independent_canonical(document)
    # Portuguese: the course is not written in it, so the language studied in.
    response = client.get(f"/pt/learning/certificates/{certificate.token}/credential/?language=pt")
    assert json.loads(response.content)["@context"][-1] == {"@language": "fr"}


def test_a_name_in_arabic_script_survives(demo_course, client):
    learner = User.objects.create_user(
        "amina@example.org", "amina@example.org", "pw-amina-2045", display_name="أمينة الحسن"
    )
    certificate = certificate_issue(learner=learner, course=demo_course, language="en")
    response = client.get(f"/verify/{certificate.token}/credential/en.json")
    assert "أمينة الحسن".encode() in response.content, "written as UTF-8, not escaped"
    document = json.loads(response.content)
    assert document["credentialSubject"]["name"] == "أمينة الحسن"
    assert '"أمينة الحسن"@en' in independent_canonical(document)
    assert independently_verified(document, key_of(client, document))


def test_other_learners_credentials_answer_404(certificate, demo_course):
    other = User.objects.create_user("other@example.org", "other@example.org", "pw-other-2045")
    client = Client()
    client.force_login(other)
    assert client.get(f"/en/learning/certificates/{certificate.token}/credential/").status_code == 404
    assert client.get("/en/learning/certificates/not-a-token/credential/").status_code == 404
    assert Client().get(f"/en/learning/certificates/{certificate.token}/credential/").status_code == 302  # log in
    assert Client().get(f"/verify/{'0' * 32}/credential/en.json").status_code == 404
    certificate_revoke(certificate=certificate, reason="Issued by mistake")
    assert Client().get(f"/verify/{certificate.token}/credential/fr.json").status_code == 404


def test_the_document_loader_refuses_every_context_not_bundled():
    # (Never one another test loads: pyld keeps contexts it resolved in a cache of its own, whatever the loader.)
    for address in ("https://example.org/contexts/evil.jsonld", "https://w3id.org/security/data-integrity/v2"):
        with pytest.raises(JsonLdError):
            canonize({"@context": address, "name": "x"})
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/contexts/evil.jsonld"],
        "issuer": f"did:web:{HOST}",
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
    }
    assert credential_verify(credential).outcome in (Outcome.UNCHECKABLE, Outcome.INVALID)


def test_an_institute_gets_a_key_when_created_and_a_rotated_key_keeps_old_credentials_valid(certificate, client):
    institute, _report = institute_setup(name="Delta Learning Centre", slug="delta-learning")
    (key,) = SigningKey.objects.filter(issuer=str(institute.translation_key))
    private_file = (
        Path(settings.CREDENTIAL_KEYS_DIR) / str(institute.translation_key) / f"{key.public_key_multibase}.pem"
    )
    assert private_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert private_file.stat().st_mode & 0o077 == 0, "readable by the site's user only"
    assert not any(f.name.startswith("private") for f in SigningKey._meta.get_fields()), (
        "no private key in the database"
    )
    assert resolve_did_web(client, f"did:web:{HOST}:institutes:delta-learning")["verificationMethod"]

    old = credential_for(certificate, "fr").document
    out = io.StringIO()
    call_command("rotate_institute_key", "landscape-learning-institute", stdout=out)
    new = credential_for(certificate, "en").document
    assert new["proof"]["verificationMethod"] != old["proof"]["verificationMethod"]
    did = resolve_did_web(client, old["issuer"]["id"])
    assert {old["proof"]["verificationMethod"], new["proof"]["verificationMethod"]} <= set(did["assertionMethod"])
    for document in (old, new):
        assert independently_verified(document, key_of(client, document))
        assert credential_verify(document).outcome == Outcome.VALID


def test_verify_credential_says_what_it_found_with_exit_codes(certificate, tmp_path):
    document = credential_for(certificate, "fr").document
    cases = {
        "valid.json": (json.dumps(document), 0, "Valid."),
        "changed.json": (json.dumps(document).replace("Awa", "Ava"), 1, "Not valid."),
        "broken.json": ("{not json", 3, "cannot be read as JSON"),
        "foreign.json": (json.dumps({**document, "issuer": {"id": "did:web:elsewhere.example"}}), 3, "offline"),
    }
    for name, (text, code, said) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out = io.StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command("verify_credential", str(path), stdout=out)
        assert exit_.value.code == code and said in out.getvalue(), (name, out.getvalue())


def test_my_learning_and_the_verification_page_link_to_the_credential_and_linkedin(certificate, learner):
    client = Client()
    client.force_login(learner)
    page = client.get("/fr/learning/").content.decode()
    assert f"/fr/learning/certificates/{certificate.token}/credential/?language=fr" in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=" in page
    assert f"certId={certificate.code}" in page and "issueYear=" in page and "organizationName=" in page
    verification = Client().get(f"/verify/{certificate.token}/?language=es").content.decode()
    assert f"/verify/{certificate.token}/credential/es.json" in verification
    assert "Open Badges 3.0" in verification


def test_certificates_without_an_institute_are_signed_by_the_site(certificate, client):
    certificate.institute_key = None
    certificate.save(update_fields=["institute_key"])
    issuer = issuer_of(certificate)
    document = credential_for(certificate, "fr").document
    assert document["issuer"]["id"] == issuer.did == f"did:web:{HOST}"
    assert independently_verified(document, key_of(client, document))
    assert status_bit(client, document) is False
    signing_key_rotate(issuer=issuer.key)
    assert credential_verify(document).outcome == Outcome.VALID
