"""Keep benchmarks/render_bench.py from rotting: generate, lock and render a tiny repo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "render_bench.py"


def test_render_bench_runs_at_a_tiny_size(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--models",
            "20",
            "--providers",
            "5",
            "--keep",
            str(tmp_path / "repo"),
            "--startup-runs",
            "1",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "render --all (cold)" in result.stdout
    assert "render --all (no-op)" in result.stdout
    assert "per phase" in result.stdout
    assert "modelplane --help / python -c pass" in result.stdout
    manifests = tmp_path / "repo" / "environments" / "prod" / "manifests"
    assert len(list((manifests / "modelapis").glob("api-*.yaml"))) == 20
    assert list((manifests / "externalsecrets").glob("llm-*.yaml"))
