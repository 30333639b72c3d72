"""Review: what a change does to resources, fields and pins, as text or markdown."""

from __future__ import annotations
