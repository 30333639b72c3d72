"""The only place that composes stages, one module per command family."""

from __future__ import annotations
