"""`ckan sach template | export | load` — bulk publishing from the command line.

Added to the ``sach`` click group by :func:`register` (called from ``ckanext/sach/cli.py``).
"""
from __future__ import annotations

import sys
from typing import Any

import click


def _user(name: str | None) -> str:
    import ckan.plugins.toolkit as tk
    from ckan import model

    if not name:
        return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    user = model.User.get(name)
    if user is None or user.state != "active":
        raise click.ClickException(f"Usuario no encontrado: {name}")
    return user.name


def _write(data: bytes, output: str | None) -> None:
    if output and output != "-":
        with open(output, "wb") as out:
            out.write(data)
        click.echo(f"Escrito: {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


def register(group: Any) -> None:
    @group.command("template", short_help="Write the bulk-publishing template (XLSX or CSV)")
    @click.option("--format", "-f", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx")
    @click.option("--user", "-u", default=None, help="Dependencias in the drop-down: those this user may publish for.")
    @click.option("--output", "-o", default=None, help="File to write (default: standard output).")
    def template_command(fmt: str, user: str | None, output: str | None) -> None:
        """The empty template generated from the dataset schema."""
        from . import template
        from .load import columns_for

        _write(template.render(columns_for(_user(user)), fmt), output)

    @group.command("export", short_help="Write a dependencia's datasets in the bulk template")
    @click.option("--org", "-o", "org", required=True, help="Dependencia (name or id).")
    @click.option("--format", "-f", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx")
    @click.option("--user", "-u", default=None, help="Export as this user (default: the site user).")
    @click.option("--output", "out", default=None, help="File to write (default: standard output).")
    def export_command(org: str, fmt: str, user: str | None, out: str | None) -> None:
        """Every dataset of the dependencia, one row each and one per resource: edit and load it back."""
        import ckan.plugins.toolkit as tk

        from . import template
        from .load import columns_for

        name = _user(user)
        cols = columns_for(name)
        try:
            rows = list(template.export_rows(name, org, cols))
        except tk.ObjectNotFound:
            raise click.ClickException(f"Dependencia no encontrada: {org}") from None
        _write(template.render(cols, fmt, rows), out)

    @group.command("load", short_help="Dry-run or load a bulk-publishing spreadsheet")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
    @click.option("--org", "-o", "org", default=None,
                  help="Dependencia of the rows without one; rows of other dependencias are refused.")
    @click.option("--user", "-u", default=None, help="Load as this user (permissions apply; default: site user).")
    def load_command(file: str, dry_run: bool, org: str | None, user: str | None) -> None:
        """Create or update datasets (with their resources) by name, one row at a time: a row lands
        whole or not at all; a re-run of the same file changes nothing."""
        from .load import Loader
        from .reader import FileError

        name = _user(user)
        bar: Any = None

        def progress(done: int, total: int, errors: int) -> None:
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=total, label="Revisando" if dry_run else "Cargando",
                                        file=sys.stderr, show_pos=True)
                bar.__enter__()
            bar.update(done - bar.pos)

        try:
            with open(file, "rb") as stream:
                report = Loader(name, org).run(stream, dry_run=dry_run, progress=progress)
        except FileError as err:
            raise click.ClickException(err.message) from None
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        for error in report.errors:
            click.echo(error["text"])
        verb = "se crearían" if dry_run else "creados"
        click.echo(f"{report.total} conjuntos: {len(report.created)} {verb}, "
                   f"{len(report.updated)} {'se actualizarían' if dry_run else 'actualizados'}, "
                   f"{len(report.unchanged)} sin cambios, {len(report.failed)} con errores "
                   f"({len(report.errors)} errores).")
        if report.errors:
            sys.exit(1)
