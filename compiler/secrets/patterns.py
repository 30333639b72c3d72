"""Recognize secret-looking values; says which kind of secret, never returns the value.

Used on rendered output before anything is written, and by the inventory stage to
reject literal keys. Patterns are deliberately specific (known key prefixes and
shapes); the entropy test is only for places where a literal secret would sit, such
as environment variable values.
"""

from __future__ import annotations

import math
import re
from collections import Counter

# Order matters: the more specific prefix first (sk-ant- before sk-).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("PEM private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    ("Anthropic API key", re.compile(r"(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}")),
    ("OpenRouter API key", re.compile(r"(?<![A-Za-z0-9_-])sk-or-[A-Za-z0-9_-]{20,}")),
    ("OpenAI-style API key", re.compile(r"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}")),
    ("Google API key", re.compile(r"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}")),
    ("AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    (
        "GitHub token",
        re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ),
    ("Groq API key", re.compile(r"(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{20,}")),
    ("Slack token", re.compile(r"(?<![A-Za-z0-9-])xox[abprs]-[A-Za-z0-9-]{10,}")),
    ("Hugging Face token", re.compile(r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}")),
    (
        "JSON Web Token",
        re.compile(
            r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
        ),
    ),
)

# One pass over the value to rule most strings out; the shortest shape (AKIA...) is 20.
_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _PATTERNS))
# A cheaper pass before that one: the literal every pattern above contains. Without
# lookbehinds the regex engine skips ahead by first character, which makes scanning
# whole rendered documents (tens of thousands per run) about 20x faster than `_ANY`.
_ANY_LITERAL = re.compile(
    r"-----BEGIN|sk-|AIza|AKIA|ASIA|gh[pousr]_|github_pat_|gsk_|xox[abprs]-|hf_|eyJ"
)
_MIN_SECRET_LENGTH = 20
_MIN_ENTROPY_LENGTH = 24
_ENTROPY_BITS_PER_CHAR = 4.0
_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-]+")
# Values that are references, not secrets: LiteLLM env lookups, shell/k8s substitutions.
_REFERENCE = re.compile(r"^(?:os\.environ/|\$\(|\$\{)")


def find_secret(value: str, *, high_entropy: bool = False) -> str | None:
    """The kind of secret `value` contains, or None.

    With `high_entropy`, a long random-looking token (as a literal env value would be)
    also counts.
    """
    if len(value) < _MIN_SECRET_LENGTH:
        return None
    if _ANY_LITERAL.search(value) and _ANY.search(value):
        return next(kind for kind, pattern in _PATTERNS if pattern.search(value))
    if high_entropy and _looks_random(value):
        return "high-entropy string"
    return None


_USERINFO = re.compile(r"(?<=://)[^/\s@?#]+@")


def mask_userinfo(text: str, mask: str = "***") -> str:
    """`text` with the user:password@ part of every URL in it replaced by `mask@`."""
    return _USERINFO.sub(f"{mask}@", text) if "@" in text else text


def mask_secrets(text: str, mask: str = "***") -> str:
    """`text` with every secret-shaped part (and URL passwords) replaced by `mask`."""
    text = mask_userinfo(text, mask)
    if len(text) < _MIN_SECRET_LENGTH or not _ANY_LITERAL.search(text):
        return text
    return _ANY.sub(mask, text)


def _looks_random(value: str) -> bool:
    text = value.strip()
    if len(text) < _MIN_ENTROPY_LENGTH or _REFERENCE.match(text) or not _TOKEN.fullmatch(text):
        return False
    classes = sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    return classes >= 2 and shannon_entropy(text) >= _ENTROPY_BITS_PER_CHAR


def shannon_entropy(text: str) -> float:
    """Bits of entropy per character of `text`."""
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())
