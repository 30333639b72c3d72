"""Stage 3: plan documents per target operator and render them through jinja2 templates."""

from __future__ import annotations
