"""Stage 2: pin every model selector to one upstream id from the snapshots (offline)."""

from __future__ import annotations
