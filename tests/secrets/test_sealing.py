from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from compiler.secrets.sealing import CertificateError, load_certificate, seal_value, strict_label
from tests.secrets.unseal import throwaway_controller_key, unseal

NOW = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def controller() -> tuple[object, bytes]:
    return throwaway_controller_key()


@pytest.mark.parametrize(
    "value",
    [b"sk-test-0123456789abcdef", b"", "p\u00e4ss w\u00f6rd\n".encode(), bytes(range(256)) * 40],
)
def test_round_trip(controller, value):
    key, pem = controller
    sealed = seal_value(load_certificate(pem, now=NOW), "llm-prod", "llm-openai", value)
    assert unseal(key, "llm-prod", "llm-openai", sealed) == value


def test_layout_matches_the_documented_format(controller):
    _, pem = controller
    raw = base64.b64decode(seal_value(load_certificate(pem, now=NOW), "ns", "s", b"abc"))
    assert int.from_bytes(raw[:2], "big") == 256  # 2048-bit RSA ciphertext
    assert len(raw) == 2 + 256 + 3 + 16  # value + GCM tag, no nonce stored


def test_strict_scope_binds_namespace_and_name(controller):
    key, pem = controller
    sealed = seal_value(load_certificate(pem, now=NOW), "llm-prod", "llm-openai", b"v")
    for namespace, name in [("llm-dev", "llm-openai"), ("llm-prod", "other"), ("", "")]:
        with pytest.raises(ValueError):
            unseal(key, namespace, name, sealed)
    assert strict_label("a", "b") == b"a/b"


def test_a_tampered_value_fails_authentication(controller):
    key, pem = controller
    raw = bytearray(base64.b64decode(seal_value(load_certificate(pem, now=NOW), "n", "s", b"x")))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        unseal(key, "n", "s", base64.b64encode(bytes(raw)).decode())


def test_every_seal_uses_a_fresh_session_key(controller):
    _, pem = controller
    certificate = load_certificate(pem, now=NOW)
    assert seal_value(certificate, "n", "s", b"x") != seal_value(certificate, "n", "s", b"x")


def test_a_short_random_source_is_refused(controller):
    _, pem = controller
    with pytest.raises(ValueError, match="too few"):
        seal_value(load_certificate(pem, now=NOW), "n", "s", b"x", random_bytes=lambda n: b"1")


def test_certificate_fingerprint_and_expiry(controller):
    _, pem = controller
    certificate = load_certificate(pem + pem, now=NOW)  # a bundle: the first one counts
    assert certificate.fingerprint.startswith("sha256:") and len(certificate.fingerprint) == 71
    with pytest.raises(CertificateError, match="expired on 2035-12-30"):
        load_certificate(pem, now=dt.datetime(2040, 1, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize(
    "pem, message",
    [
        (b"", "not a PEM"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a PEM"),
        ("weak", "1024 bits"),
        ("ec", "not RSA"),
    ],
)
def test_unusable_certificates_are_refused(pem, message):
    if pem == "weak":
        pem = throwaway_controller_key(1024)[1]
    elif pem == "ec":
        pem = _ec_certificate()
    with pytest.raises(CertificateError, match=message):
        load_certificate(pem, now=NOW)


def _ec_certificate() -> bytes:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)
