"""The key folder: each issuer's private Ed25519 keys as PEM files, `<CREDENTIAL_KEYS_DIR>/<issuer>/<public key>.pem`,
readable by the site's user only. Never in the repository (var/ is ignored by git) nor in the database or its
backups: see the README for how to keep a copy."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from lms.credentials.encoding import multikey_from_public


def keys_dir() -> Path:
    return Path(settings.CREDENTIAL_KEYS_DIR)


def _path(issuer: str, public_key_multibase: str) -> Path:
    return keys_dir() / issuer / f"{public_key_multibase}.pem"


def public_multikey(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multikey_from_public(raw)


def private_key_write(issuer: str) -> str:
    """A new key pair: the private key written to the key folder (owner-only permissions); returns the public key
    as a multikey."""
    private_key = Ed25519PrivateKey.generate()
    multikey = public_multikey(private_key)
    path = _path(issuer, multikey)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return multikey


def private_key_read(issuer: str, public_key_multibase: str) -> Ed25519PrivateKey | None:
    """The private key of that public key, or None when the key folder does not have it (or holds another key
    under its name)."""
    path = _path(issuer, public_key_multibase)
    if not path.is_file():
        return None
    private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private_key, Ed25519PrivateKey) or public_multikey(private_key) != public_key_multibase:
        return None
    return private_key
