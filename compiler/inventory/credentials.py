"""Reject credentials written into the inventory: only references are accepted.

Three signs give a literal credential away: a key named like one (`apiKey:`, a header
`Authorization` or `x-api-key`), a container env var named like one with a literal
`value`, or a value shaped like one (provider key prefixes, AWS key ids, JWTs, private
keys; high-entropy strings where a credential would sit: header and env values).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from compiler.errors import Diagnostic
from compiler.inventory.pydantic_errors import dotted_path
from compiler.secrets.patterns import find_secret
from compiler.yamlio.source import PathKey, SourceMap

_CREDENTIAL_KEY_ENDINGS = (
    "apikey",
    "token",
    "password",
    "passwd",
    "secret",
    "secretkey",
    "accesskey",
    "privatekey",
    "authorization",
    "cookie",
    "subscriptionkey",
    "masterkey",
)
_CREDENTIAL_ENV_NAME = re.compile(
    r"(^|_)(KEY|APIKEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$", re.IGNORECASE
)
_HINT = "reference a Secret instead: credentials: {secretRef: {name, key}, env: VAR}"


def literal_credentials(data: Any, source: SourceMap, path: PathKey = ()) -> Iterator[Diagnostic]:
    """Every literal credential in loaded inventory or environment data."""
    if isinstance(data, Mapping):
        yield from _mapping(data, source, path)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from literal_credentials(value, source, (*path, index))
    elif isinstance(data, str):
        kind = find_secret(data, high_entropy=_sits_where_secrets_go(path))
        if kind is not None:
            yield Diagnostic(
                source.locate(path),
                "literal-credential",
                f"{dotted_path(path)} looks like a literal {kind}",
                hint="never put credentials in the inventory; reference a Secret",
            )


def _mapping(data: Mapping[str, Any], source: SourceMap, path: PathKey) -> Iterator[Diagnostic]:
    env_name = data.get("name")
    if (
        isinstance(env_name, str)
        and _CREDENTIAL_ENV_NAME.search(env_name)
        and isinstance(data.get("value"), str)
        and data["value"]
    ):
        yield Diagnostic(
            source.locate((*path, "value")),
            "literal-credential",
            f"env {env_name} holds a literal value",
            hint="use valueFrom.secretKeyRef, or credentials.secretRef",
        )
        data = {k: v for k, v in data.items() if k != "value"}
    for key, value in data.items():
        here = (*path, key)
        if _is_credential_key(key) and isinstance(value, str | int) and value != "":
            yield Diagnostic(
                source.locate(here),
                "literal-credential",
                f"{dotted_path(here)} holds a literal credential",
                hint=_HINT,
            )
        else:
            yield from literal_credentials(value, source, here)


def _is_credential_key(key: str) -> bool:
    normalized = re.sub(r"[-_.\s]", "", key.lower())
    return normalized.endswith(_CREDENTIAL_KEY_ENDINGS)


def _sits_where_secrets_go(path: PathKey) -> bool:
    """Header values and env values are where a pasted key would land."""
    return any(part in ("headers", "env") for part in path if isinstance(part, str))
