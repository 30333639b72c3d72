"""Label keys and values checked the way the Kubernetes API server checks them.

Every rendered object carries the environment's labels; one the API server rejects
(`"bad value!"`, right-to-left text, 64 characters) would make every apply fail, so it
is refused here, at its line in environment.yaml.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_MAX_NAME = 63
_MAX_PREFIX = 253


def check_labels(labels: dict[str, str]) -> dict[str, str]:
    """Raise ValueError naming the first key or value the API server would reject."""
    for key, value in labels.items():
        problem = _key_problem(key) or _value_problem(value)
        if problem:
            raise ValueError(f"label {key!r}: {problem}")
    return labels


def _key_problem(key: str) -> str:
    prefix, _, name = key.rpartition("/")
    if "/" in key and not prefix:
        return "the prefix before '/' is empty"
    if prefix and (len(prefix) > _MAX_PREFIX or not _DNS_SUBDOMAIN.match(prefix)):
        return "the prefix must be a DNS subdomain (lower-case, dots, at most 253 characters)"
    if not name or len(name) > _MAX_NAME or not _NAME.match(name):
        return (
            "a key name is 1 to 63 characters: letters, digits, '-', '_', '.', "
            "starting and ending with a letter or digit"
        )
    return ""


def _value_problem(value: str) -> str:
    if value and (len(value) > _MAX_NAME or not _NAME.match(value)):
        return (
            "the value is not a valid label value: at most 63 characters, letters, "
            "digits, '-', '_', '.', starting and ending with a letter or digit (or empty)"
        )
    return ""
