"""`ckan sach template | export | load` (with --dry-run, --org and a progress bar)."""
from __future__ import annotations

import openpyxl
import pytest

from ckan import model
from ckan.cli.cli import ckan

from .conftest import ORG, resource_row, row, xlsx

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_template_export_and_load(cli, officer, tmp_path):
    out = tmp_path / "plantilla.xlsx"
    result = cli.invoke(ckan, ["sach", "template", "--user", officer["name"], "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out)["Catálogo"]["A1"].value == "Tipo de fila"

    data = tmp_path / "carga.xlsx"
    data.write_bytes(xlsx([row("cli-1"), resource_row("cli-1"), row("cli-2", modified="ayer")], officer["name"]))
    result = cli.invoke(ckan, ["sach", "load", str(data), "--dry-run", "--org", ORG, "--user", officer["name"]])
    assert result.exit_code == 1
    assert "Fila 4, columna Fecha de última actualización:" in result.output
    assert "2 conjuntos: 1 se crearían, 0 se actualizarían, 0 sin cambios, 1 con errores (1 errores)." in result.output
    assert model.Session.query(model.Package).count() == 0

    result = cli.invoke(ckan, ["sach", "load", str(data), "--org", ORG, "--user", officer["name"]])
    assert "Cargando" in result.output  # the progress bar
    assert "2 conjuntos: 1 creados" in result.output
    assert model.Package.get("cli-1") is not None

    exported = tmp_path / "export.xlsx"
    result = cli.invoke(ckan, ["sach", "export", "--org", ORG, "--output", str(exported)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(exported)["Catálogo"]
    assert [sheet.cell(r, 3).value for r in (2, 3)] == ["cli-1", "cli-1"]
    result = cli.invoke(ckan, ["sach", "load", str(exported), "--org", ORG, "--user", officer["name"]])
    assert result.exit_code == 0, result.output
    assert "1 conjuntos: 0 creados, 0 actualizados, 1 sin cambios, 0 con errores" in result.output


def test_bad_file_is_a_clear_error(cli, officer, tmp_path):
    bad = tmp_path / "foto.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = cli.invoke(ckan, ["sach", "load", str(bad), "--org", ORG])
    assert result.exit_code != 0
    assert "no es una hoja de cálculo" in result.output
    result = cli.invoke(ckan, ["sach", "load", str(bad), "--org", "no-existe"])
    assert "Dependencia no encontrada: no-existe" in result.output
