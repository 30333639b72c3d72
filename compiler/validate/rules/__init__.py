"""Cross-object rules on rendered documents: references, secrets."""

from __future__ import annotations
