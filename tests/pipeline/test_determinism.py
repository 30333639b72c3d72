"""`lock --all` and `render --all` are byte-identical whatever the process environment.

Each run starts from a copy of the example repo with its locks and manifests deleted,
so everything is regenerated from the inventory and snapshots, in a subprocess with a
different hash seed, locale, time zone and working directory (or MODELPLANE_ROOT). All
runs must produce exactly the committed files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import (
    REPO_ROOT,
    cli_env,
    copy_example,
    example_environments,
    outputs_digest,
    run_cli,
)


def _available_locales() -> set[str]:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return {"C"}
    # glibc lists C.UTF-8 as C.utf8; normalise the codeset spelling.
    return {name.replace(".utf8", ".UTF-8") for name in out.stdout.split()}


LOCALES = _available_locales()


@pytest.fixture(scope="module")
def locpath(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A folder with tr_TR.UTF-8 compiled by localedef when the system lacks it."""
    if "tr_TR.UTF-8" in LOCALES or shutil.which("localedef") is None:
        return None
    folder = tmp_path_factory.mktemp("locales")
    built = subprocess.run(
        ["localedef", "-i", "tr_TR", "-f", "UTF-8", str(folder / "tr_TR.UTF-8")],
        capture_output=True,
        timeout=120,
        check=False,
    )
    return folder if built.returncode == 0 else None


# (id, PYTHONHASHSEED, LC_ALL, LANG, TZ, where to run from)
VARIANTS = [
    ("seed0-C-UTC-root", "0", "C", "C", "UTC", "root"),
    ("seed1-CUTF8-Kolkata-subfolder", "1", "C.UTF-8", "C.UTF-8", "Asia/Kolkata", "subfolder"),
    ("random-LANG-only-StJohns-envvar", "random", None, "C.UTF-8", "America/St_Johns", "envvar"),
    (
        "random-tr_TR-Kathmandu-root",
        "random",
        "tr_TR.UTF-8",
        "tr_TR.UTF-8",
        "Asia/Kathmandu",
        "root",
    ),
]


def _clear_outputs(root: Path) -> None:
    for env in example_environments(root):
        (root / "environments" / env / "models.lock").unlink()
        shutil.rmtree(root / "environments" / env / "manifests")


@pytest.fixture(scope="module")
def committed() -> dict[str, str]:
    digest = outputs_digest(REPO_ROOT)
    assert any(path.endswith("models.lock") for path in digest)
    return digest


@pytest.mark.parametrize(
    ("seed", "lc_all", "lang", "tz", "where"),
    [pytest.param(*v[1:], id=v[0]) for v in VARIANTS],
)
def test_lock_and_render_are_byte_identical(
    tmp_path: Path,
    committed: dict[str, str],
    locpath: Path | None,
    seed: str,
    lc_all: str | None,
    lang: str,
    tz: str,
    where: str,
) -> None:
    extra = None
    if lc_all is not None and lc_all not in LOCALES:
        if lc_all != "tr_TR.UTF-8" or locpath is None:
            pytest.skip(f"locale {lc_all} is neither installed nor buildable with localedef")
        extra = str(locpath)
    root = copy_example(tmp_path / "repo")
    _clear_outputs(root)
    env = cli_env(PYTHONHASHSEED=seed, LC_ALL=lc_all, LANG=lang, TZ=tz, LOCPATH=extra)
    probe = "import locale; print(locale.setlocale(locale.LC_ALL, ''))"
    active = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert active.stdout.strip() == (lc_all or lang)
    if where == "envvar":
        cwd = tmp_path / "elsewhere"
        cwd.mkdir()
        env["MODELPLANE_ROOT"] = str(root)
    else:
        cwd = root / "environments" / "prod" if where == "subfolder" else root

    for command in (["lock", "--all"], ["render", "--all"]):
        result = run_cli(*command, cwd=cwd, env=env)
        assert result.returncode == 0, result.stderr

    assert outputs_digest(root) == committed
    # Only the scratch folder's lock and .gitignore stay: no temporary file, no staging.
    leftovers = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob(".*")
        if p.name != ".modelplane-index.json"
    )
    assert leftovers == [".modelplane-tmp", ".modelplane-tmp/.gitignore"]
    assert sorted(p.name for p in (root / ".modelplane-tmp").iterdir()) == [".gitignore", "lock"]


def test_a_second_run_changes_nothing(tmp_path: Path, committed: dict[str, str]) -> None:
    root = copy_example(tmp_path / "repo")
    before = {p: p.stat().st_mtime_ns for p in (root / "environments").rglob("*") if p.is_file()}
    for command in (["lock", "--all"], ["render", "--all"]):
        result = run_cli(*command, cwd=root, env=cli_env(PYTHONHASHSEED="random"))
        assert result.returncode == 0, result.stderr
    after = {p: p.stat().st_mtime_ns for p in (root / "environments").rglob("*") if p.is_file()}
    assert after == before
    assert outputs_digest(root) == committed
