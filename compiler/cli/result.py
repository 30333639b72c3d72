"""The one JSON document a command prints under `--format json` (documented in the README).

Every command, whatever happens (success, findings, usage error, internal error), prints
exactly one document on stdout: the problems it found and the result it produced.
`formatVersion` changes only when a key changes meaning or disappears; new keys may be
added at any time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from compiler import __version__
from compiler.cli.report import diagnostic_json
from compiler.errors import Diagnostic, ExitCode, sorted_diagnostics

RESULT_FORMAT_VERSION = 1


def result_document(
    command: str,
    code: int,
    problems: Sequence[Diagnostic],
    result: Mapping[str, Any] | None,
) -> str:
    """The document, with a trailing newline; keys in a fixed order."""
    document = {
        "schema": "modelplane/result",
        "formatVersion": RESULT_FORMAT_VERSION,
        "modelplane": __version__,
        "command": command,
        "exitCode": int(code),
        "ok": code == ExitCode.OK,
        "problems": [diagnostic_json(d) for d in sorted_diagnostics(problems)],
        "result": dict(result) if result is not None else None,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
