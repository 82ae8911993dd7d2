"""`ckan sach ...` commands."""
from __future__ import annotations

import click


@click.group(short_help="San Andrés Cholula catalogue commands")
def sach() -> None:
    """Commands of the San Andrés Cholula catalogue."""
