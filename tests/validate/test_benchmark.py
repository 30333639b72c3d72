from __future__ import annotations

import importlib.util
import sys

import pytest

from .conftest import REPO_ROOT


def test_benchmark_runs_on_a_small_mix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location(
        "validate_bench", REPO_ROOT / "benchmarks" / "validate_bench.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(sys, "argv", ["validate_bench", "--documents", "50", "--kv-sample", "2"])
    bench.main()
    out = capsys.readouterr().out
    assert "modelplane validate: 50 documents" in out
    assert "kubernetes_validate.validate() on 2 ConfigMaps" in out
