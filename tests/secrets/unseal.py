"""An independent reader of the sealed-secrets ciphertext format, for tests only.

Written from the format's documentation (docs/developer/crypto.md of
bitnami-labs/sealed-secrets: "size of AES encrypted key (2 bytes) || RSA encrypted
data || AES encrypted data"; RSA-OAEP SHA-256 with the scope label; AES-256-GCM with
a single-use key and no nonce) and the controller's label for strict scope
(`namespace/name`). It shares no code with compiler/sealing.py on purpose: a bug in
the encryptor must not be mirrored here.
"""

from __future__ import annotations

import base64
import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID


def unseal(private_key: rsa.RSAPrivateKey, namespace: str, name: str, encrypted: str) -> bytes:
    """Decrypt one `encryptedData` value as the controller would for Secret namespace/name."""
    raw = base64.standard_b64decode(encrypted.encode("ascii"))
    key_length = int.from_bytes(raw[0:2], "big")
    rsa_part, aes_part = raw[2 : 2 + key_length], raw[2 + key_length :]
    assert len(rsa_part) == key_length == private_key.key_size // 8
    session_key = private_key.decrypt(
        rsa_part,
        padding.OAEP(
            mgf=padding.MGF1(hashes.SHA256()),
            algorithm=hashes.SHA256(),
            label=(namespace + "/" + name).encode("utf-8"),
        ),
    )
    assert len(session_key) == 32  # AES-256
    # GCM through the low-level Cipher API (not AESGCM, which the encryptor uses):
    # the tag is the last 16 bytes; the nonce is 12 zero bytes.
    body, tag = aes_part[:-16], aes_part[-16:]
    decryptor = Cipher(algorithms.AES(session_key), modes.GCM(b"\x00" * 12, tag)).decryptor()
    return decryptor.update(body) + decryptor.finalize()


def throwaway_controller_key(
    bits: int = 2048, *, days: int = 3650, not_after: dt.datetime | None = None
) -> tuple[rsa.RSAPrivateKey, bytes]:
    """A key pair and self-signed certificate like the controller's `/v1/cert.pem`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sealed-secret")])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after or start + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM)
