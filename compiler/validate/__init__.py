"""Stage 4: validate rendered documents offline (schemas, CEL, built-in kinds, rules)."""

from __future__ import annotations
