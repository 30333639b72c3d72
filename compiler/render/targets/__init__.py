"""Render targets: one plugin module per operator, registered in one dict."""

from __future__ import annotations
