"""Content digests over canonical JSON, so equal data always gives an equal digest."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(data: Any) -> str:
    """Serialize data with sorted keys and no insignificant whitespace."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_json(data: Any) -> str:
    """The `sha256:<hex>` digest of data's canonical JSON form."""
    return sha256_bytes(canonical_json(data).encode("utf-8"))


def sha256_bytes(data: bytes) -> str:
    """The `sha256:<hex>` digest of raw bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()
