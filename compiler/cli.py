"""The command line: options in, pipeline call, report out, exit code. Nothing else."""

from __future__ import annotations

import click

from compiler import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="modelplane")
def cli() -> None:
    """Compile an LLM provider inventory into validated Kubernetes manifests."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="modelplane")
