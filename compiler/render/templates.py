"""Stage 3: render planned documents through jinja2 templates into parsed, located documents."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from compiler.errors import Diagnostic, Location, RenderError
from compiler.models.artifacts import PlannedDocument, RenderedDocument
from compiler.render.filters import FILTERS, Serialized
from compiler.render.loader import GuardedLoader
from compiler.yamlio.manifests import ManifestParseError, parse_manifest_checked


class UnserializedValueError(jinja2.TemplateError):
    """A template printed a value without the `yaml` filter."""


def _finalize(value: Any) -> str:
    if isinstance(value, Serialized):
        return value
    raise UnserializedValueError(
        "a value was printed without the yaml filter; write {{ value | yaml }}"
    )


def make_environment(template_dirs: Sequence[Path]) -> jinja2.Environment:
    """The one jinja2 environment: sandboxed, strict, explicit filters, values serialized."""
    env = ImmutableSandboxedEnvironment(
        # The repository's own templates first, then the built-ins, file by file.
        loader=GuardedLoader(template_dirs),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_finalize,
        auto_reload=False,
    )
    env.filters.clear()
    env.filters.update(FILTERS)
    env.tests.clear()
    env.globals.clear()
    return env


def render_documents(
    planned: Iterable[PlannedDocument], template_dirs: Sequence[Path], display_dir: str
) -> list[RenderedDocument]:
    """Render every planned document; raise RenderError with every failure."""
    env = make_environment(template_dirs)
    cache: dict[str, jinja2.Template] = {}
    rendered: list[RenderedDocument] = []
    problems: list[Diagnostic] = []
    failures: dict[tuple[Location, str], list[PlannedDocument]] = {}
    for plan in planned:
        try:
            template = cache.get(plan.template) or cache.setdefault(
                plan.template, env.get_template(plan.template)
            )
            text = template.render(plan.context)
        except jinja2.TemplateError as exc:
            failures.setdefault(_template_problem(exc, plan), []).append(plan)
            continue
        document = _parse(text, plan, display_dir, problems)
        if document is not None:
            rendered.append(document)
    problems.extend(_summarize_failures(failures, display_dir))
    if problems:
        raise RenderError(problems)
    return rendered


def _summarize_failures(
    failures: Mapping[tuple[Location, str], list[PlannedDocument]], display_dir: str
) -> Iterable[Diagnostic]:
    """One diagnostic per template error, however many documents hit it."""
    for (location, message), plans in failures.items():
        first = plans[0]
        more = f" and {len(plans) - 1} more" if len(plans) > 1 else ""
        yield Diagnostic(
            location,
            "template-error",
            f"{message} (while rendering {display_dir}/{first.path}{more})",
            hint=f"first produced for {first.origin}",
        )


def _parse(
    text: str, plan: PlannedDocument, display_dir: str, problems: list[Diagnostic]
) -> RenderedDocument | None:
    try:
        data = parse_manifest_checked(text)
    except ManifestParseError as exc:
        problems.append(
            Diagnostic(
                Location(f"templates/{plan.template}"),
                "template-output",
                f"rendered {display_dir}/{plan.path} is not valid YAML: {exc}",
                hint="check the template's indentation and the yaml filter's indent argument",
            )
        )
        return None
    if not isinstance(data, Mapping):
        problems.append(
            Diagnostic(
                Location(f"templates/{plan.template}"),
                "template-output",
                f"rendered {display_dir}/{plan.path} is not a mapping",
            )
        )
        return None
    return RenderedDocument(
        plan.path, text, data, plan.origin, plan.field_origins, plan.field_locators
    )


def _template_problem(exc: jinja2.TemplateError, plan: PlannedDocument) -> tuple[Location, str]:
    line = getattr(exc, "lineno", None) or _traceback_line(exc, plan.template)
    location = Location(f"templates/{plan.template}", line or 0, 1 if line else 0)
    return location, f"{type(exc).__name__}: {exc.message or exc}"


def _traceback_line(exc: BaseException, template: str) -> int | None:
    """The template line a runtime error happened on, from jinja's rewritten traceback."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(template):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
