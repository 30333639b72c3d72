"""Run the CLI as `python -m compiler`."""

from __future__ import annotations

from compiler.cli.main import main

if __name__ == "__main__":
    main()
