"""`modelplane completion SHELL`: the shell completion script for bash, zsh or fish."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from compiler.cli.options import Context
from compiler.errors import ExitCode

SHELLS = ("bash", "zsh", "fish")
_COMPLETE_VAR = "_MODELPLANE_COMPLETE"


@click.command(
    name="completion",
    epilog="\b\nExamples:\n"
    '  eval "$(modelplane completion bash)"          # in ~/.bashrc\n'
    '  eval "$(modelplane completion zsh)"           # in ~/.zshrc\n'
    "  modelplane completion fish > ~/.config/fish/completions/modelplane.fish",
)
@click.argument("shell", type=click.Choice(SHELLS))
def command(shell: str) -> ExitCode:
    """Print the shell completion script for SHELL (bash, zsh or fish).

    Completes commands and options, and environment, provider and model names from the
    repository you are in.
    """
    root = click.get_current_context().find_root().command
    completion_class = get_completion_class(shell)
    assert completion_class is not None  # SHELLS are click's own
    script = completion_class(root, {}, "modelplane", _COMPLETE_VAR).source()
    shared = click.get_current_context().find_object(Context)
    if shared is not None and shared.fmt == "json":
        shared.result = {"shell": shell, "script": script}
    else:
        click.echo(script)
    return ExitCode.OK
