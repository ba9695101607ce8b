"""The ``kennisbank`` command: argument parsing and printing over one library call each.

``commands.py`` declares the commands and their options; what they share lives beside it:
``support.py`` (one-line failures, opening the index, the build's progress bar),
``printing.py`` (the text that ``build`` and ``search`` print) and ``serving.py`` (what
``serve`` sets up around uvicorn). Every module here imports only the standard library and
Typer when loaded; the library calls are imported inside the commands, so ``kennisbank
--help`` and ``kennisbank validate`` start fast.
"""

from __future__ import annotations

from kennisbank.cli.commands import app, main

__all__ = ["app", "main"]
