"""The encodings Data Integrity and did:web use: multibase base58-btc ("z..."), multikey Ed25519 keys and the
"u"-prefixed base64url of a Bitstring Status List."""

import base64

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# Multicodec prefixes (varint-encoded) of a raw Ed25519 public key and private key (seed).
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_PRIVATE_PREFIX = b"\x80\x26"


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def base58_decode(text: str) -> bytes:
    number = 0
    for character in text:
        position = BASE58_ALPHABET.find(character)
        if position < 0:
            raise ValueError(f"not base58: {character!r}")
        number = number * 58 + position
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def multibase_base58(data: bytes) -> str:
    return "z" + base58_encode(data)


def from_multibase_base58(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("a multibase base58-btc value starts with z")
    return base58_decode(text[1:])


def multikey_from_public(raw_public_key: bytes) -> str:
    """An Ed25519 public key as a Multikey's publicKeyMultibase (z6Mk...)."""
    return multibase_base58(ED25519_PUBLIC_PREFIX + raw_public_key)


def public_from_multikey(multikey: str) -> bytes:
    decoded = from_multibase_base58(multikey)
    if not decoded.startswith(ED25519_PUBLIC_PREFIX) or len(decoded) != 34:
        raise ValueError("not an Ed25519 multikey")
    return decoded[2:]


def private_from_multikey(multikey: str) -> bytes:
    decoded = from_multibase_base58(multikey)
    if not decoded.startswith(ED25519_PRIVATE_PREFIX) or len(decoded) != 34:
        raise ValueError("not an Ed25519 secret multikey")
    return decoded[2:]


def multibase_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def from_multibase_base64url(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("u"):
        raise ValueError("a multibase base64url value starts with u")
    body = text[1:]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
