"""JSON-LD without the network: every context a credential of ours (or a DID document, or a status list) names is
bundled, and the document loader serves those and refuses every other address. Fetching a context while verifying
would leak who checks which credential, fail offline, and let whoever controls that address change what a signed
credential means.

Bundled: the W3C VC 2.0 and DID 1.0 contexts as pyld ships them (pyld.documentloader.frozen), and in contexts/ the
1EdTech Open Badges 3.0.3 context (https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json) and the W3C
Multikey context (https://w3id.org/security/multikey/v1), with the term definitions those addresses publish."""

from pathlib import Path

from pyld.documentloader.frozen import BUNDLED_CONTEXTS, FrozenDocumentLoader
from pyld.jsonld import JsonLdError, JsonLdProcessor

CONTEXTS_DIR = Path(__file__).parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

CONTEXT_FILES: dict[str, Path] = {
    VC_V2: BUNDLED_CONTEXTS[VC_V2],
    DID_V1: BUNDLED_CONTEXTS[DID_V1],
    OB_V3: CONTEXTS_DIR / "ob-v3p0-context-3.0.3.jsonld",
    MULTIKEY_V1: CONTEXTS_DIR / "multikey-v1.jsonld",
}

document_loader = FrozenDocumentLoader(CONTEXT_FILES)


class UndefinedTerm(ValueError):
    """A property no context defines: JSON-LD would drop it silently, and a signature would not cover it."""


def _refuse_dropped(term):
    raise UndefinedTerm(term)


def canonize(document: dict) -> str:
    """The RDF Dataset Canonicalization (RDFC-1.0, which pyld calls URDNA2015) of the document, as N-Quads. Refuses
    a property that no context defines (UndefinedTerm), as verifiers in "safe mode" do, and any context that is not
    bundled (JsonLdError)."""
    processor = JsonLdProcessor(on_property_dropped=_refuse_dropped)
    return processor.normalize(
        document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}
    )


__all__ = ["JsonLdError", "UndefinedTerm", "canonize", "document_loader"]
