"""Diagnostics, exit codes and the CompilerError tree shared by every stage."""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace


class ExitCode(enum.IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3
    NETWORK = 4
    INTERRUPTED = 130


class Severity(enum.Enum):
    """How serious a diagnostic is; only errors fail a run."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A position in a source file: repo-relative POSIX path, 1-based line and column."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding, located in the file that caused it.

    `detail` names a place inside a rendered artifact (`manifests/x.yaml::$.spec.mode`)
    when the finding was made after rendering; `location` still points at the input.
    `environment` names the environment(s) a finding was made in, comma-separated
    (empty: not environment-scoped, or not known yet).
    """

    location: Location
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    detail: str = ""
    environment: str = ""

    @property
    def environments(self) -> tuple[str, ...]:
        """The environment names this finding was made in."""
        return tuple(self.environment.split(", ")) if self.environment else ()

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """Order diagnostics by file, position, then code and message."""
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.detail, self.message)


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Return diagnostics de-duplicated and in a stable order.

    The same finding made in several environments (an inventory problem every
    environment shares) becomes one diagnostic naming all of them.
    """
    found: dict[Diagnostic, set[str]] = {}
    for d in diagnostics:
        found.setdefault(replace(d, environment=""), set()).update(d.environments)
    merged = (replace(d, environment=", ".join(sorted(envs))) for d, envs in found.items())
    return sorted(merged, key=Diagnostic.sort_key)


def in_environment(diagnostics: Iterable[Diagnostic], env: str) -> list[Diagnostic]:
    """Name `env` on every diagnostic that names no environment yet."""
    return [d if d.environment else replace(d, environment=env) for d in diagnostics]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`did you mean 'x'?` for the closest candidate to a misspelt word, else ''."""
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"did you mean {lowered[close[0]]!r}?" if close else ""


def known_hint(word: str, known: Iterable[str], label: str = "known") -> str:
    """`did you mean 'x'? (known: a, x)`: the closest name first, then every name."""
    names = sorted(known)
    listed = f"{label}: {', '.join(names) or 'none'}"
    guess = did_you_mean(word, names)
    return f"{guess} ({listed})" if guess else listed


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """Tell whether any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


class CompilerError(Exception):
    """A stage failed; carries every diagnostic it found."""

    exit_code: ExitCode = ExitCode.FINDINGS

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted_diagnostics(diagnostics)
        super().__init__(f"{len(self.diagnostics)} problem(s)")

    def __reduce__(self) -> tuple[object, ...]:
        # Environments are prepared in worker processes; their errors travel back pickled.
        return (_rebuild_error, (type(self), self.diagnostics, self.exit_code))


def _rebuild_error(
    kind: type[CompilerError], diagnostics: Sequence[Diagnostic], exit_code: ExitCode
) -> CompilerError:
    error = kind(diagnostics)
    error.exit_code = exit_code
    return error


class InventoryError(CompilerError):
    """The inventory or an environment file is invalid."""


class LockError(CompilerError):
    """The lock could not be resolved, or is stale."""


class RenderError(CompilerError):
    """A template failed or produced something invalid."""


class ValidationFailed(CompilerError):
    """Rendered manifests violate a schema, rule or policy."""


class UsageError(CompilerError):
    """The command line names something that does not exist."""

    exit_code = ExitCode.USAGE


def usage_error(message: str, hint: str = "") -> UsageError:
    """The one way to say the command line is wrong."""
    return UsageError([Diagnostic(Location("<command line>"), "usage", message, hint=hint)])


def scoped_error(error: CompilerError, env: str) -> CompilerError:
    """The same error, each of its diagnostics naming environment `env`."""
    scoped = type(error)(in_environment(error.diagnostics, env))
    scoped.exit_code = error.exit_code
    return scoped


def combine_errors(errors: Sequence[CompilerError]) -> CompilerError:
    """One error carrying every diagnostic; the most severe exit code wins."""
    kinds = {type(e) for e in errors}
    combined = (kinds.pop() if len(kinds) == 1 else CompilerError)(
        [d for e in errors for d in e.diagnostics]
    )
    combined.exit_code = max(e.exit_code for e in errors)
    return combined
