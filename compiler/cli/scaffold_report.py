"""What `init` and `env add` tell people: the files written, the lock, the render."""

from __future__ import annotations

from compiler.cli.options import Context, say
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
            f"{outcome.env}: rendered and validated {outcome.render.documents} document(s) "
            f"into environments/{outcome.env}/manifests ({len(report.written)} file(s))",
        )
