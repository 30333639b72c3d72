"""What `init` and `env add` tell people (and tools): files written, lock, render."""

from __future__ import annotations

from typing import Any

from compiler.cli.options import Context, say, set_result
from compiler.pipeline.init import ScaffoldOutcome


def report_scaffold(ctx: Context, outcome: ScaffoldOutcome, headline: str) -> None:
    """Print what was written and kept, then the lock and render results."""
    say(ctx, f"{headline}:")
    for path in outcome.written:
        say(ctx, f"  + {path}")
    for path in outcome.kept:
        say(ctx, f"  = {path} (exists, kept)")
    if outcome.lock is not None:
        pins = len(outcome.lock.result.lockfile.models)
        say(ctx, f"{outcome.env}: wrote models.lock ({pins} model(s) pinned)")
    if outcome.render is not None and outcome.render.report is not None:
        report = outcome.render.report
        say(
            ctx,
            f"{outcome.env}: rendered and validated {outcome.render.documents} object(s) "
            f"into environments/{outcome.env}/manifests ({len(report.written)} file(s))",
        )
    set_result(ctx, **_result(outcome))


def _result(outcome: ScaffoldOutcome) -> dict[str, Any]:
    render = outcome.render.report if outcome.render is not None else None
    manifests = f"environments/{outcome.env}/manifests"
    return {
        "environment": outcome.env,
        "filesWritten": list(outcome.written),
        "filesKept": list(outcome.kept),
        "lockWritten": outcome.lock is not None,
        "manifestsWritten": [f"{manifests}/{p}" for p in render.written] if render else [],
    }
