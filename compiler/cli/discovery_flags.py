"""Discovery bounds as flags, with environment variables as defaults (read here, once).

`--timeout` / MODELPLANE_DISCOVERY_TIMEOUT: seconds one request may take in all (connect,
headers and the whole body); `--deadline` / MODELPLANE_DISCOVERY_DEADLINE: seconds the
whole run may take; `--concurrency` / MODELPLANE_DISCOVERY_CONCURRENCY: providers asked
at once; `--retries` / MODELPLANE_DISCOVERY_RETRIES: extra attempts per request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from compiler.errors import Diagnostic, Location, UsageError

if TYPE_CHECKING:
    from compiler.discovery.limits import DiscoveryLimits

# The same numbers as compiler.discovery.limits, which is not imported here: importing
# the discovery package loads httpx, and `--help` must stay light.
DEFAULT_TIMEOUT = 20.0
DEFAULT_DEADLINE = 60.0
DEFAULT_CONCURRENCY = 8
DEFAULT_ATTEMPTS = 4

_FLAGS: tuple[tuple[str, str, type, float, str], ...] = (
    ("timeout", "MODELPLANE_DISCOVERY_TIMEOUT", float, DEFAULT_TIMEOUT, "Seconds per request."),
    (
        "deadline",
        "MODELPLANE_DISCOVERY_DEADLINE",
        float,
        DEFAULT_DEADLINE,
        "Seconds the whole discovery may take.",
    ),
    (
        "concurrency",
        "MODELPLANE_DISCOVERY_CONCURRENCY",
        int,
        DEFAULT_CONCURRENCY,
        "Providers asked at once.",
    ),
    (
        "retries",
        "MODELPLANE_DISCOVERY_RETRIES",
        int,
        DEFAULT_ATTEMPTS - 1,
        "Retries per request (transient errors).",
    ),
)


def discovery_flags(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --timeout, --deadline, --concurrency and --retries (values: `discovery_bounds`)."""
    for name, var, kind, default, text in reversed(_FLAGS):
        func = click.option(
            f"--{name}",
            f"bound_{name}",
            type=kind,
            default=None,
            metavar="N",
            help=f"{text} [default: ${var} or {default:g}]",
        )(func)
    return func


def discovery_bounds(environ: Mapping[str, str], flags: Mapping[str, Any]) -> DiscoveryLimits:
    """Flags win, then the environment, then the defaults; bad values are usage errors."""
    from compiler.discovery.limits import DiscoveryLimits

    values: dict[str, float] = {}
    for name, var, kind, default, _ in _FLAGS:
        given = flags.get(f"bound_{name}")
        source = f"--{name}"
        if given is None and environ.get(var):
            given, source = _parse(environ[var], kind, var), var
        value = default if given is None else given
        if value < (0 if name == "retries" else 0.001) or (kind is int and value != int(value)):
            raise _bad(source, value)
        values[name] = value
    return DiscoveryLimits(
        timeout=values["timeout"],
        deadline=values["deadline"],
        concurrency=int(values["concurrency"]),
        attempts=int(values["retries"]) + 1,
    )


def _parse(text: str, kind: type, var: str) -> float:
    try:
        return float(kind(text))
    except ValueError:
        raise _bad(var, text) from None


def _bad(source: str, value: object) -> UsageError:
    return UsageError(
        [
            Diagnostic(
                Location("<command line>" if source.startswith("--") else "<environment>"),
                "usage",
                f"{source}: {value!r} is not a valid value",
                hint="give a positive number (retries: zero or more)",
            )
        ]
    )
