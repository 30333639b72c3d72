"""Stage 5: build the output tree, write it atomically, compare it with the disk."""

from __future__ import annotations
