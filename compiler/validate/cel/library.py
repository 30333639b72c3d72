"""Kubernetes' CEL libraries (strings, lists, URLs, quantities) for the offline evaluator.

The Rust-backed evaluator implements standard CEL; Kubernetes adds functions that real
CRDs use. They are provided here in Python, called receiver first (`x.f(a)` is
`f(x, a)`). `url()` and `quantity()` return plain maps that their accessor functions
read, which is enough for the comparisons CRD rules make.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

_QUANTITY = re.compile(
    r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$"
)
_SUFFIX = {
    "": Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    **{s: Decimal(1024) ** (i + 1) for i, s in enumerate(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))},
}


def _split(value: str, separator: str, limit: int = -1) -> list[str]:
    if limit == 0:
        return []
    return value.split(separator, limit - 1) if limit > 0 else value.split(separator)


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("mailto", "urn"))


def _url(value: str) -> dict[str, str]:
    if not _is_url(value):
        raise ValueError(f"not a URL: {value!r}")
    parts = urlsplit(value)
    return {
        "scheme": parts.scheme,
        "host": parts.netloc.rpartition("@")[2],
        "hostname": parts.hostname or "",
        "port": str(parts.port or ""),
        "path": parts.path,
        "query": parts.query,
    }


def _amount(value: str) -> Decimal:
    match = _QUANTITY.match(value.strip())
    if not match:
        raise ValueError(f"not a quantity: {value!r}")
    number, suffix = match[1], match[2] or ""
    try:
        if suffix[:1] in ("e", "E"):
            return Decimal(number + suffix)
        return Decimal(number) * _SUFFIX[suffix]
    except InvalidOperation:
        raise ValueError(f"not a quantity: {value!r}") from None


def _quantity(value: str) -> dict[str, str]:
    return {"quantity": str(_amount(value))}


def _q(value: Mapping[str, str]) -> Decimal:
    return Decimal(value["quantity"])


def _compare(a: Mapping[str, str], b: Mapping[str, str]) -> int:
    left, right = _q(a), _q(b)
    return (left > right) - (left < right)


KUBERNETES_FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    # strings
    "split": _split,
    "lowerAscii": lambda s: s.lower(),
    "upperAscii": lambda s: s.upper(),
    "trim": lambda s: s.strip(),
    "replace": lambda s, old, new, n=-1: s.replace(old, new, n),
    "indexOf": lambda s, sub, start=0: s.find(sub, start),
    "lastIndexOf": lambda s, sub: s.rfind(sub),
    "join": lambda items, sep="": sep.join(items),
    # URLs
    "isURL": _is_url,
    "url": _url,
    "getScheme": lambda u: u["scheme"],
    "getHost": lambda u: u["host"],
    "getHostname": lambda u: u["hostname"],
    "getPort": lambda u: u["port"],
    "getEscapedPath": lambda u: u["path"],
    "getQuery": lambda u: u["query"],
    # quantities
    "isQuantity": lambda s: _QUANTITY.match(s.strip()) is not None,
    "quantity": _quantity,
    "compareTo": _compare,
    "isGreaterThan": lambda a, b: _compare(a, b) > 0,
    "isLessThan": lambda a, b: _compare(a, b) < 0,
    "asInteger": lambda q: int(_q(q)),
    "asApproximateFloat": lambda q: float(_q(q)),
    "sign": lambda q: (_q(q) > 0) - (_q(q) < 0),
}
