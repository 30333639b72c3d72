"""`helm template` of a chart that renders the same documents as modelplane, for scale.

One chart per environment. Its values (a per-environment values file, `-f`) hold the
rendered documents' data grouped by kind, and one template per kind ranges over them the
way real charts do: `apiVersion`, `kind` and metadata fields templated one by one, the
rest through `toYaml | nindent`. Helm parses the values, executes the Go templates and
prints one stream, with no schema validation at all (no `--validate`: that needs a
cluster). This is the yardstick of issue 13: modelplane's cold `render --all`, which
validates everything, should not be slower than this.

`find_helm()` looks on PATH, then in `benchmarks/.tools/bin` (see install_helm.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent / ".tools" / "bin"

TEMPLATE = """{{- range .Values.KEY }}
---
apiVersion: {{ .apiVersion }}
kind: {{ .kind }}
metadata:
  name: {{ .metadata.name | quote }}
  {{- with .metadata.namespace }}
  namespace: {{ . | quote }}
  {{- end }}
  {{- with .metadata.labels }}
  labels:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .metadata.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- range $key, $value := omit . "apiVersion" "kind" "metadata" }}
{{ $key }}:
  {{- toYaml $value | nindent 2 }}
{{- end }}
{{- end }}
"""


def find_helm() -> str | None:
    """The helm binary to compare with, or None."""
    found = shutil.which("helm")
    if found:
        return found
    local = TOOLS / "helm"
    return str(local) if local.is_file() else None


def _key(kind: str) -> str:
    return kind[0].lower() + kind[1:] + "s"


def write_chart(folder: Path, env: str, documents: list[dict[str, Any]]) -> Path:
    """A chart under `folder/<env>` whose `helm template` prints `documents`."""
    chart = folder / env
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        by_kind.setdefault(_key(document["kind"]), []).append(document)
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text(
        f"apiVersion: v2\nname: llm-{env}\nversion: 1.0.0\n", encoding="utf-8"
    )
    # The environment's values go in with -f, as per-environment values files usually do
    # (a chart's own files may not exceed 5 MiB; N=5000 needs more). JSON is YAML.
    (chart / "values.yaml").write_text("{}\n", encoding="utf-8")
    _values(chart).write_text(json.dumps(by_kind, indent=1), encoding="utf-8")
    for key in by_kind:
        (chart / "templates" / f"{key}.yaml").write_text(
            TEMPLATE.replace("KEY", key), encoding="utf-8"
        )
    return chart


def _values(chart: Path) -> Path:
    return chart.with_name(f"{chart.name}.values.json")


def helm_command(helm: str, chart: Path) -> list[str]:
    """`helm template` of `chart` with its environment's values, printing to standard output."""
    return [helm, "template", chart.name, str(chart), "-f", str(_values(chart))]
