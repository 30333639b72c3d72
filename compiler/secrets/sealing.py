"""Encrypt one Secret value the way `kubeseal` does, for the sealed-secrets backend.

The format (bitnami-labs/sealed-secrets, pkg/crypto and pkg/apis/.../sealedsecret_expansion):
a fresh 32-byte AES-256-GCM session key encrypts the value with an all-zero 12-byte
nonce (safe because the key is used once); RSA-OAEP with SHA-256 (MGF1 SHA-256)
encrypts the session key under the controller's public key, with the *label* set to
the scope: strict scope is `<namespace>/<name>` (the developer docs say "namespace
concatenated with name", the code joins them with a slash, and the code is what the
controller runs). The stored value is base64 (standard alphabet, padded) of
`uint16 big-endian len(rsa ciphertext) || rsa ciphertext || aes-gcm ciphertext+tag`.

Only strict scope is produced: the sealed value then only opens as that Secret in
that namespace, which is what a committed, environment-specific value should do.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding

_SESSION_KEY_BYTES = 32
_GCM_NONCE = bytes(12)
# kubeseal accepts any RSA key; below 2048 bits a committed ciphertext is not safe
# for the years a Git history lives, so refuse rather than seal into it.
_MIN_KEY_BITS = 2048


class CertificateError(ValueError):
    """The sealing certificate cannot be used; the message never quotes its bytes."""


@dataclass(frozen=True, slots=True)
class SealingCertificate:
    """The controller's public key, read from its certificate."""

    public_key: rsa.RSAPublicKey
    fingerprint: str
    not_after: datetime


def load_certificate(pem: bytes, *, now: datetime | None = None) -> SealingCertificate:
    """Read the first certificate of a PEM bundle, as kubeseal's `--cert` does.

    Raises:
        CertificateError: no certificate, not RSA, too small, or expired (kubeseal
            refuses an expired certificate too: the controller has rotated past it).
    """
    try:
        certificate = x509.load_pem_x509_certificates(pem)[0]
    except (ValueError, IndexError) as error:
        raise CertificateError("not a PEM-encoded X.509 certificate") from error
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise CertificateError("the certificate's key is not RSA (sealed-secrets uses RSA)")
    if key.key_size < _MIN_KEY_BITS:
        raise CertificateError(f"the RSA key has {key.key_size} bits; at least 2048 required")
    not_after = certificate.not_valid_after_utc
    if (now or datetime.now(UTC)) > not_after:
        raise CertificateError(f"the certificate expired on {not_after.date().isoformat()}")
    der = certificate.public_bytes(Encoding.DER)
    return SealingCertificate(key, "sha256:" + hashlib.sha256(der).hexdigest(), not_after)


def strict_label(namespace: str, name: str) -> bytes:
    """The RSA-OAEP label of strict scope: the value opens only as this Secret."""
    return f"{namespace}/{name}".encode()


def seal_value(
    certificate: SealingCertificate,
    namespace: str,
    name: str,
    value: bytes,
    *,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> str:
    """Encrypt one Secret value for `namespace/name`; returns the `encryptedData` string."""
    session_key = random_bytes(_SESSION_KEY_BYTES)
    if len(session_key) != _SESSION_KEY_BYTES:
        raise ValueError("the random source returned too few bytes")
    encrypted_key = certificate.public_key.encrypt(
        session_key,
        padding.OAEP(
            mgf=padding.MGF1(algorithm=hashes.SHA256()),
            algorithm=hashes.SHA256(),
            label=strict_label(namespace, name),
        ),
    )
    sealed = AESGCM(session_key).encrypt(_GCM_NONCE, value, None)
    blob = struct.pack(">H", len(encrypted_key)) + encrypted_key + sealed
    return base64.b64encode(blob).decode("ascii")
