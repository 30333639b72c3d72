"""Install, start, query and stop a real LiteLLM proxy on 127.0.0.1 (test support)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import REPO_ROOT

# 1.82.7 and 1.82.8 on PyPI shipped a credential stealer (litellm_init.pth); never float.
LITELLM_VERSION = "1.82.6"
LITELLM_REQUIREMENT = f"litellm[proxy]=={LITELLM_VERSION}"
# MODELPLANE_LITELLM_VENV points at a prepared venv (e.g. a CI cache); default: in the repo.
VENV_DIR = Path(
    os.environ.get("MODELPLANE_LITELLM_VENV")
    or REPO_ROOT / ".pytest-venvs" / f"litellm-{LITELLM_VERSION}"
)
READY_MARKER = ".modelplane-ready"
ALLOWED_PTH = frozenset({"distutils-precedence.pth"})
MASTER_KEY = "sk-modelplane-test-master"
STARTUP_TIMEOUT = 180.0
ENV_REFERENCE = re.compile(r"os\.environ/([A-Za-z_][A-Za-z0-9_]*)")
# What LiteLLM, uvicorn and starlette print when a config is rejected at startup.
CONFIG_ERROR = re.compile(r"Traceback|Exception|\bERROR\b|\bCRITICAL\b|[Ee]rror:|[Ii]nvalid")


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def stray_pth_files(venv: Path) -> list[str]:
    """`.pth` files other than setuptools' own: code that would run at every start."""
    return sorted(
        p.name for p in venv.glob("lib/python*/site-packages/*.pth") if p.name not in ALLOWED_PTH
    )


def installed_version(venv: Path) -> str:
    """The litellm version installed in `venv`."""
    code = "import importlib.metadata as m; print(m.version('litellm'))"
    out = subprocess.run(
        [str(_venv_python(venv)), "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.strip()


def ensure_litellm_venv(venv: Path = VENV_DIR) -> Path:
    """Reuse the cached virtualenv, or build it (about 75 s; needs PyPI); return it."""
    marker = venv / READY_MARKER
    if marker.is_file() and marker.read_text().strip() == LITELLM_REQUIREMENT:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run(
        [str(_venv_python(venv)), "-m", "pip", "install", "--quiet", LITELLM_REQUIREMENT],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if install.returncode != 0:
        raise RuntimeError(f"pip install {LITELLM_REQUIREMENT} failed:\n{install.stderr}")
    marker.write_text(LITELLM_REQUIREMENT + "\n")
    return venv


# LiteLLM's Vertex routes need google-auth, which `litellm[proxy]` does not install (the
# LiteLLM image does). Installed beside the venv (never into it) and put on PYTHONPATH.
GOOGLE_AUTH_REQUIREMENTS = (
    "# vertexai stand-in 2",
    "google-auth==2.63.0",
    "pyasn1-modules==0.4.2",
    "pyasn1==0.6.5",
    "rsa==4.9.1",
    "cachetools==8.0.2",
)


def ensure_google_auth_overlay(venv: Path = VENV_DIR) -> Path:
    """A folder holding google-auth for the proxy's PYTHONPATH (built on first use)."""
    overlay = venv.parent / f"{venv.name}-google-auth"
    marker = overlay / READY_MARKER
    wanted = "\n".join(GOOGLE_AUTH_REQUIREMENTS) + "\n"
    if marker.is_file() and marker.read_text() == wanted:
        return overlay
    shutil.rmtree(overlay, ignore_errors=True)
    install = subprocess.run(
        [
            *(str(_venv_python(venv)), "-m", "pip", "install", "--quiet", "--no-deps"),
            *("--target", str(overlay), *GOOGLE_AUTH_REQUIREMENTS[1:]),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if install.returncode != 0:
        raise RuntimeError(f"pip install google-auth failed:\n{install.stderr}")
    # LiteLLM's Vertex partner-model route (Claude on Vertex) only checks that
    # `import vertexai` works (google-cloud-aiplatform, in the image, hundreds of MB with
    # its dependencies) and then calls :rawPredict over httpx; an empty package passes the gate.
    (overlay / "vertexai").mkdir()
    (overlay / "vertexai" / "__init__.py").write_text(
        '"""Import gate stand-in."""\nfrom types import SimpleNamespace\n'
        "preview = SimpleNamespace(language_models=None)\n"
    )
    marker.write_text(wanted)
    return overlay


_RESOLVE = """
import json, sys
import litellm
out = {}
for model in json.load(sys.stdin):
    try:
        out[model] = litellm.get_llm_provider(model)[1]
    except Exception as exc:  # report, do not stop: the test lists every failure
        out[model] = "ERROR: " + str(exc)[:200]
print(json.dumps(out))
"""


def resolve_providers(venv: Path, models: list[str]) -> dict[str, str]:
    """LiteLLM's provider for each `litellm_params.model` (how it routes the call)."""
    result = subprocess.run(
        [str(_venv_python(venv)), "-c", _RESOLVE],
        input=json.dumps(sorted(set(models))),
        capture_output=True,
        text=True,
        timeout=300,
        env={"LITELLM_LOCAL_MODEL_COST_MAP": "True", "PATH": os.environ.get("PATH", "")},
        check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def referenced_env_names(config_text: str) -> list[str]:
    """Every `os.environ/NAME` the config reads, sorted."""
    return sorted(set(ENV_REFERENCE.findall(config_text)))


@dataclass(frozen=True)
class ProxyRun:
    """What one proxy did with one config."""

    label: str
    started: bool
    startup_log: str
    model_ids: tuple[str, ...] = ()
    unauthenticated_status: int = 0
    exit_code: int | None = None
    deployments: tuple[tuple[str, str], ...] = ()
    """(model_name, litellm_params.model) as /model/info reports them."""

    def config_errors(self) -> list[str]:
        """Startup log lines that say the config was not accepted."""
        return [line for line in self.startup_log.splitlines() if CONFIG_ERROR.search(line)]


def _get(url: str, key: str | None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if key is not None:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wait_alive(process: subprocess.Popen[bytes], base: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError):
            if _get(f"{base}/health/liveliness", None)[0] == 200:
                return True
        time.sleep(0.25)
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the proxy and everything it started (its own process group)."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
            return


class ProxyPool:
    """Starts proxies; remembers every live one so a finalizer can stop them all."""

    def __init__(self, venv: Path, workdir: Path) -> None:
        self.venv = venv
        self.workdir = workdir
        self._live: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()

    def stop_all(self) -> None:
        """Stop every proxy still running."""
        with self._lock:
            live = list(self._live)
        for process in live:
            stop(process)

    def run(self, label: str, config_text: str) -> ProxyRun:
        """Start a proxy on `config_text`, list its models, stop it."""
        folder = self.workdir / re.sub(r"[^A-Za-z0-9_.-]", "_", label)
        folder.mkdir(parents=True)
        config = folder / "config.yaml"
        config.write_text(config_text, encoding="utf-8")
        log_path = folder / "proxy.log"
        port = free_port()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    str(self.venv / "bin" / "litellm"),
                    "--config",
                    str(config),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--telemetry",
                    "False",
                ],
                cwd=folder,
                env=self._environment(folder, config_text),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        with self._lock:
            self._live.add(process)
        try:
            return self._query(label, process, f"http://127.0.0.1:{port}", log_path)
        finally:
            stop(process)
            with self._lock:
                self._live.discard(process)

    def _environment(self, folder: Path, config_text: str) -> dict[str, str]:
        env = {
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(folder),
            "LANG": "C.UTF-8",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "LITELLM_MASTER_KEY": MASTER_KEY,
            "NO_COLOR": "1",
        }
        for name in referenced_env_names(config_text):
            env[name] = f"dummy-{name.lower()}"
        return env

    def _query(
        self, label: str, process: subprocess.Popen[bytes], base: str, log_path: Path
    ) -> ProxyRun:
        alive = _wait_alive(process, base, time.monotonic() + STARTUP_TIMEOUT)
        startup_log = log_path.read_text("utf-8", errors="replace")
        if not alive:
            stop(process)
            return ProxyRun(
                label,
                False,
                log_path.read_text("utf-8", errors="replace"),
                exit_code=process.returncode,
            )
        status, body = _get(f"{base}/v1/models", MASTER_KEY)
        assert status == 200, f"{label}: GET /v1/models -> {status}: {body[:500]!r}"
        ids = tuple(item["id"] for item in json.loads(body)["data"])
        status, body = _get(f"{base}/model/info", MASTER_KEY)
        assert status == 200, f"{label}: GET /model/info -> {status}: {body[:500]!r}"
        deployments = tuple(
            (str(item["model_name"]), str(item["litellm_params"]["model"]))
            for item in json.loads(body)["data"]
        )
        unauthenticated, _ = _get(f"{base}/v1/models", None)
        return ProxyRun(label, True, startup_log, ids, unauthenticated, None, deployments)
