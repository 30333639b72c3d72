"""Stage 1: load the inventory and an environment, merge overrides, check rules and policies."""

from __future__ import annotations
