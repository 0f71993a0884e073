"""CLI commands of the developer tools (simulate, bench), registered on the main app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the developer-tool commands to ``app``."""
