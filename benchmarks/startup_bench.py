"""Start-up: `modelplane --help` next to `python -c pass` and `helm version`, interleaved.

python benchmarks/startup_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helm_compare import find_helm
from measure import Measure, median, rows, run_measured


def modelplane_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m compiler`."""
    script = Path(sys.executable).with_name("modelplane")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "compiler"]


def commands() -> dict[str, list[str]]:
    """What is compared: each command by its label."""
    found = {
        "modelplane --help": [*modelplane_command(), "--help"],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    helm = find_helm()
    if helm:
        found["helm version"] = [helm, "version"]
    return found


def startup(runs: int = 15) -> list[Measure]:
    """The median run of each command, runs interleaved so machine noise hits all alike."""
    todo = commands()
    seen: dict[str, list[Measure]] = {label: [] for label in todo}
    for _ in range(runs):
        for label, command in todo.items():
            result = run_measured(label, command, Path.cwd())
            assert result is not None
            seen[label].append(result[0])
    return [median(label, measures) for label, measures in seen.items()]


def report(measures: list[Measure]) -> list[str]:
    """The table and the ratios to `python -c pass` and `helm version`."""
    lines = list(rows(measures))
    by = {m.label: m for m in measures}
    ours = by["modelplane --help"]
    python = by["python -c pass"]
    lines.append(f"modelplane --help / python -c pass: {ours.seconds / python.seconds:.1f}x wall")
    if "helm version" in by:
        helm = by["helm version"]
        lines.append(
            f"modelplane --help / helm version: {ours.seconds / helm.seconds:.2f} wall, "
            f"{ours.cpu / helm.cpu:.2f} CPU (aim <= 1)"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    print("\n".join(report(startup(options.runs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
