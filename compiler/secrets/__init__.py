"""Secret handling leaves: pattern detection and redaction."""

from __future__ import annotations
