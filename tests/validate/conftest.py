from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
UPSTREAM_CRDS = REPO_ROOT.parent / "shared" / "upstream" / "crds"


@pytest.fixture
def upstream_crds() -> Path:
    if not UPSTREAM_CRDS.is_dir():
        pytest.skip(f"upstream CRDs not found at {UPSTREAM_CRDS} (test data lives beside the repo)")
    return UPSTREAM_CRDS


@pytest.fixture(scope="session")
def repo_schemas() -> Path:
    return REPO_ROOT / "schemas"
