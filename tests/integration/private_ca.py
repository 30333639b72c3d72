"""A private certificate authority and a server certificate for 127.0.0.1 (test support).

The integration tests put a provider's loopback server behind TLS signed by this CA, the
corporate case (an in-cluster gateway with a private CA): a proxy that verifies against
the public roots alone must refuse it, one with modelplane's assembled bundle must not.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from tests.tlsca import PrivateCA


@dataclass(frozen=True)
class PrivateCa:
    """PEM files of a CA and of a server certificate it signed for 127.0.0.1."""

    ca_pem: Path
    server_cert: Path
    server_key: Path

    def server_context(self) -> ssl.SSLContext:
        """A server-side TLS context presenting the signed certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_cert, self.server_key)
        return context


def create_private_ca(folder: Path) -> PrivateCa:
    """Write a fresh CA and a 127.0.0.1/localhost server certificate into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    ca = PrivateCA(folder, "modelplane test private CA")
    server = ca.issue("127.0.0.1", "localhost")
    return PrivateCa(ca.pem, server.cert, server.key)
