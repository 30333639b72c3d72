"""The command line: options in, one pipeline call, report out, exit code."""

from __future__ import annotations
