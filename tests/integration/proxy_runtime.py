"""Run a rendered KAOS ModelAPI the way the cluster would, with a real LiteLLM proxy.

A small stand-in for KAOS + the kubelet: the ModelAPI's `configYaml` becomes the
proxy's config file, its `container.env` and the `model-api` container's `env` in
`podSpec` become the process environment (Secret references resolved from an in-memory
Secret store, the way the kubelet does), mounted Secret volumes become files, and the
init containers modelplane renders run first with the proxy's own Python. Nothing is
injected that the rendered manifest does not ask for, so a missing master key or CA
shows up here exactly as it would in the cluster.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.integration.litellm_proxy import STARTUP_TIMEOUT, free_port, stop

MODEL_API_CONTAINER = "model-api"
Secrets = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Pod:
    """What the kubelet would run for one ModelAPI: files, env and init commands."""

    config_text: str
    env: dict[str, str]
    files: dict[str, str]
    init_commands: list[list[str]]


def _container(pod_spec: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    return list(pod_spec.get(kind) or [])


def _resolve_env(items: list[Mapping[str, Any]], secrets: Secrets) -> dict[str, str]:
    env: dict[str, str] = {}
    for item in items:
        if "value" in item:
            env[item["name"]] = str(item["value"])
            continue
        ref = item["valueFrom"]["secretKeyRef"]
        value = secrets.get(ref["name"], {}).get(ref["key"])
        if value is None:
            # The kubelet refuses to start a container whose Secret key is missing.
            raise LookupError(f"{item['name']}: Secret {ref['name']}/{ref['key']} not found")
        env[item["name"]] = value
    return env


def _volume_files(
    pod_spec: Mapping[str, Any], mounts: list[Mapping[str, Any]], secrets: Secrets, root: Path
) -> dict[str, str]:
    volumes = {v["name"]: v for v in pod_spec.get("volumes") or []}
    files: dict[str, str] = {}
    for mount in mounts:
        volume = volumes[mount["name"]]
        if "secret" in volume:
            for key, value in secrets.get(volume["secret"]["secretName"], {}).items():
                files[f"{mount['mountPath']}/{key}"] = value
    return files


def pod_for(model_api: Mapping[str, Any], secrets: Secrets, root: Path) -> Pod:
    """The process-level view of a rendered ModelAPI (paths re-rooted under `root`)."""
    spec = model_api["spec"]
    pod_spec = spec.get("podSpec") or {}
    main = next(
        (c for c in _container(pod_spec, "containers") if c["name"] == MODEL_API_CONTAINER), {}
    )
    env = _resolve_env(list((spec.get("container") or {}).get("env") or []), secrets)
    env.update(_resolve_env(list(main.get("env") or []), secrets))
    mounts = list(main.get("volumeMounts") or [])
    init_commands = []
    for init in _container(pod_spec, "initContainers"):
        mounts.extend(init.get("volumeMounts") or [])
        init_commands.append([*init.get("command", []), *init.get("args", [])])
    files = _volume_files(pod_spec, mounts, secrets, root)
    return Pod(spec["proxyConfig"]["configYaml"]["fromString"], env, files, init_commands)


def _reroot(value: str, root: Path) -> str:
    # Container paths (/etc/...) become paths under the test's folder.
    return value.replace("/etc/modelplane", str(root / "etc" / "modelplane"))


def _materialize(pod: Pod, root: Path, venv: Path) -> dict[str, str]:
    for path, content in pod.files.items():
        target = Path(_reroot(path, root))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    python = str(venv / "bin" / "python")
    for command in pod.init_commands:
        argv = [_reroot(part, root) for part in command]
        if argv and Path(argv[0]).name.startswith("python"):
            argv[0] = python
        for part in argv:
            if part.startswith(str(root)):
                Path(part).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(argv, check=True, timeout=60, capture_output=True)
    return {k: _reroot(v, root) for k, v in pod.env.items()}


def request(
    url: str, payload: Any = None, key: str | None = None, timeout: float = 60
) -> tuple[int, Any]:
    """POST `payload` as JSON (GET when None); return (status, parsed body)."""
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data)
    req.add_header("Content-Type", "application/json")
    if key is not None:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        with contextlib.suppress(ValueError):
            return exc.code, json.loads(body)
        return exc.code, body.decode("utf-8", "replace")


def _wait(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"proxy exited with {process.returncode}")
        with contextlib.suppress(OSError):
            if request(f"{base}/health/liveliness", timeout=2)[0] == 200:
                return
        time.sleep(0.25)
    raise RuntimeError("proxy did not become ready")


@contextlib.contextmanager
def run_pod(pod: Pod, root: Path, venv: Path, extra_env: Mapping[str, str] = {}) -> Iterator[str]:
    """Start the proxy for `pod` on 127.0.0.1; yield its base URL; stop it afterwards."""
    root.mkdir(parents=True, exist_ok=True)
    env = _materialize(pod, root, venv)
    config = root / "config.yaml"
    config.write_text(pod.config_text, encoding="utf-8")
    port = free_port()
    process_env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(root),
        "LANG": "C.UTF-8",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "NO_COLOR": "1",
        **env,
        **extra_env,
    }
    log = (root / "proxy.log").open("wb")
    process = subprocess.Popen(
        [
            str(venv / "bin" / "litellm"),
            *("--config", str(config), "--host", "127.0.0.1"),
            *("--port", str(port), "--telemetry", "False"),
        ],
        cwd=root,
        env=process_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait(process, f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        log.close()


def load_documents(path: Path) -> list[dict[str, Any]]:
    """Every YAML document of one rendered file."""
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
