"""Export a dependencia, upload it unchanged → nothing changes; edit three cells → exactly those
fields change. A re-run of the same file changes nothing."""
from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sach.bulk import template

from .conftest import ORG, columns, resource_row, row, run, xlsx

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

VOLATILE = ("metadata_modified", "revision_id")


def _show(name: str) -> dict:
    data = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    for key in VOLATILE:
        data.pop(key, None)
    for res in data.get("resources", []):
        res.pop("metadata_modified", None)
    return data


def _activities(name: str) -> int:
    pkg = model.Package.get(name)
    return model.Session.execute(
        sa.text("SELECT count(*) FROM activity WHERE object_id = :id"), {"id": pkg.id}).scalar()


def _load_three(officer):
    rows = []
    for name in ("egresos-2024", "ingresos-2024", "deuda-2024"):
        rows += [row(name), resource_row(name, 1), resource_row(name, 2, **{"resource.format": "JSON",
                                                                           "resource.url": f"https://sach.gob.mx/{name}.json"})]
    report = run(xlsx(rows, officer["name"]), officer["name"])
    assert report.errors == [] and sorted(report.created) == ["deuda-2024", "egresos-2024", "ingresos-2024"]


def _export(officer) -> bytes:
    cols = columns(officer["name"])
    return template.render(cols, "xlsx", template.export_rows(officer["name"], ORG, cols))


def test_export_then_upload_unchanged_changes_nothing(officer):
    _load_three(officer)
    before = {n: (_show(n), _activities(n), model.Package.get(n).metadata_modified)
              for n in ("egresos-2024", "ingresos-2024", "deuda-2024")}
    exported = _export(officer)
    report = run(exported, officer["name"])
    assert report.errors == []
    assert sorted(report.unchanged) == ["deuda-2024", "egresos-2024", "ingresos-2024"]
    assert report.created == [] and report.updated == []
    for name, (shown, activities, modified) in before.items():
        assert _show(name) == shown
        assert _activities(name) == activities
        assert model.Package.get(name).metadata_modified == modified


def test_edit_three_cells_changes_exactly_those_fields(officer):
    _load_three(officer)
    before = _show("ingresos-2024")
    others = {n: _show(n) for n in ("egresos-2024", "deuda-2024")}
    book = openpyxl.load_workbook(io.BytesIO(_export(officer)))
    sheet = book["Catálogo"]
    header = [c.value for c in sheet[1]]
    col = {label: i + 1 for i, label in enumerate(header)}
    target = next(r for r in range(2, sheet.max_row + 1)
                  if sheet.cell(r, col["URL"]).value == "ingresos-2024" and sheet.cell(r, 1).value == "Conjunto")
    sheet.cell(target, col["Título"]).value = "Ingresos municipales 2024"
    sheet.cell(target, col["Frecuencia de actualización"]).value = "Anual"  # the label, as the drop-down writes it
    res_row = target + 2  # the second resource of the dataset
    assert sheet.cell(res_row, col["Recurso: Nombre"]).value == "Datos 2"
    sheet.cell(res_row, col["Recurso: Nombre"]).value = "Ingresos 2024 (JSON)"
    out = io.BytesIO()
    book.save(out)
    report = run(out.getvalue(), officer["name"])
    assert report.errors == [] and report.updated == ["ingresos-2024"]
    assert sorted(report.unchanged) == ["deuda-2024", "egresos-2024"]
    after = _show("ingresos-2024")
    assert after["title"] == "Ingresos municipales 2024"
    assert after["frequency"] == "R/P1Y"
    assert after["resources"][1]["name"] == "Ingresos 2024 (JSON)"
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {"title", "frequency", "resources"}
    res_changed = [{k for k in set(b) | set(a) if b.get(k) != a.get(k)}
                   for b, a in zip(before["resources"], after["resources"], strict=False)]
    assert res_changed == [set(), {"name"}]
    assert {n: _show(n) for n in others} == others
    # the search index and the quality keys indexed with it are current when the load ends
    search = tk.get_action("package_search")
    found = search({"ignore_auth": True}, {"q": "Ingresos municipales", "include_private": True})
    assert [p["name"] for p in found["results"]] == ["ingresos-2024"]
    scored = search({"ignore_auth": True}, {"fq": "+has_dictionary:true +openness_stars:3 +frequency:R/P1Y"})
    assert [p["name"] for p in scored["results"]] == ["ingresos-2024"]
    # and loading the edited file again changes nothing more
    again = run(out.getvalue(), officer["name"])
    assert again.errors == [] and again.updated == [] and len(again.unchanged) == 3


def test_text_that_looks_like_a_formula_is_exported_as_text(officer):
    report = run(xlsx([row("formula-texto", notes="=1+1 es la suma que se publica")], officer["name"]),
                 officer["name"])
    assert report.created == ["formula-texto"], report.errors
    exported = _export(officer)
    sheet = openpyxl.load_workbook(io.BytesIO(exported))["Catálogo"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index("Descripción") + 1)
    assert (cell.value, cell.data_type) == ("=1+1 es la suma que se publica", "s")
    again = run(exported, officer["name"])
    assert again.errors == [] and again.unchanged == ["formula-texto"]
