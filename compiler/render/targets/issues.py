"""What a target operator cannot express, as values located later at the inventory line."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from compiler.errors import Diagnostic, Severity
from compiler.models.inventory import Model
from compiler.models.providers import Provider
from compiler.models.resolved import ResolvedEnvironment

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    """A refusal (error) or a setting the operator would ignore (warning).

    `kind`/`name`/`path` name the inventory item and the value inside it
    (`kind` "environment" means environment.yaml), so the plugin can locate it.
    """

    kind: str
    name: str
    path: PathKey
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR


def provider_issue(
    provider: Provider,
    path: PathKey,
    code: str,
    message: str,
    hint: str = "",
    *,
    warn: bool = False,
) -> Issue:
    """An issue located at a provider's value."""
    severity = Severity.WARNING if warn else Severity.ERROR
    return Issue("providers", provider.name, path, code, message, hint, severity)


def call_params(model: Model, provider: Provider) -> Iterator[tuple[str, Any, Issue]]:
    """Every call parameter of a model (provider defaults, then the model's own).

    Each comes with a template issue located where it was written, for the caller
    to fill in when the target cannot use it.
    """
    merged: dict[str, tuple[Any, str, str, PathKey]] = {}
    for key, value in provider.defaults.items():
        merged[key] = (value, "providers", provider.name, ("defaults", key))
    for key, value in model.params.items():
        merged[key] = (value, "models", model.name, ("params", key))
    for key in sorted(merged):
        value, kind, name, path = merged[key]
        yield key, value, Issue(kind, name, path, "", "")


def ignored(template: Issue, code: str, message: str, hint: str = "") -> Issue:
    """A warning at the template's place: the operator would not use the value."""
    return Issue(template.kind, template.name, template.path, code, message, hint, Severity.WARNING)


def decimal_string(value: Any) -> str | None:
    """A number as the decimal string some CRDs use for floats (`0.2`, `1`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def sorted_map(values: Mapping[str, str]) -> dict[str, str]:
    """A mapping in key order, for byte-identical output."""
    return dict(sorted(values.items()))


def located(env: ResolvedEnvironment, issue: Issue) -> Diagnostic:
    """The issue as a diagnostic at the inventory (or environment.yaml) line it is about."""
    if issue.kind == "environment":
        at = env.locate_env(issue.path)
    else:
        at = env.locate(issue.kind, issue.name, issue.path)
    return Diagnostic(at, issue.code, issue.message, issue.hint, issue.severity)


def has_error(issues: list[Issue]) -> bool:
    """Whether any issue refuses the object it is about."""
    return any(i.severity is Severity.ERROR for i in issues)
