"""`ckan sach ...` commands."""
from __future__ import annotations

import click


@click.group(short_help="San Andrés Cholula catalogue commands")
def sach() -> None:
    """Commands of the San Andrés Cholula catalogue."""


@sach.command("seed", short_help="Create the dependencias and temas (idempotent)")
def seed_command() -> None:
    """Create the dependencias (organizations) and temas (groups) that are missing, after
    checking every vocabulary file. Lists: ckanext.sach.seed.dependencias_file and
    ckanext.sach.seed.themes_file (default: ckanext/sach/vocab/)."""
    from ckanext.sach import seed

    result = seed.run()
    for kind in ("organizations", "groups"):
        click.echo(
            f"{kind}: {len(result[kind]['created'])} created, "
            f"{len(result[kind]['existing'])} already present"
        )
    click.echo(f"vocabularies: {len(result['vocabularies'])} checked")


@sach.command("demo", short_help="Load the demo catalogue (idempotent; runs seed first)")
def demo_command() -> None:
    """Load the demo catalogue: example datasets with uploaded CSV, JSON and GeoJSON files and
    a data dictionary each, spread over the dependencias (runs `seed` first)."""
    from ckanext.sach import demo

    result = demo.run()
    click.echo(
        f"datasets: {len(result['created'])} created, {len(result['existing'])} already present"
    )
