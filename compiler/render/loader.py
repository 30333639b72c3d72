"""Load templates file by file, the repository's own first, only through `read_input`.

jinja's FileSystemLoader opens whatever a name leads to: a template override that is a
symbolic link to `/proc/self/environ` would be rendered, and an error quoting the rendered
line would print the environment's secrets. Here a template is read like every other
input: links may lead only within the repository (or the built-in templates), and FIFOs,
folders and unreadable files are located errors.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from compiler.fsio import read_input_text
from compiler.project import TEMPLATES_DIR, builtin_dir


class GuardedLoader(jinja2.BaseLoader):
    """Templates from `template_dirs`, in order; each may only resolve below its parent."""

    def __init__(self, template_dirs: Sequence[Path]) -> None:
        self.template_dirs = list(template_dirs)
        # The parent of a templates folder is the repository (or the installation); a link
        # to the built-in templates (of this installation) is fine too.
        builtin = builtin_dir(TEMPLATES_DIR)
        parents = [d.parent for d in self.template_dirs]
        self.roots = tuple(parents + ([builtin] if builtin is not None else []))

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The template's text, its path, and "always up to date" (one render per run)."""
        parts = split_template_path(template)  # refuses `..` in names
        for folder in self.template_dirs:
            path = folder.joinpath(*parts)
            if os.path.lexists(path):
                display = "/".join((folder.name, *parts))
                return read_input_text(path, self.roots, display), str(path), lambda: True
        raise jinja2.TemplateNotFound(template)
