"""The template is generated from the scheming schema: Spanish headers from its labels, help
texts as header comments, drop-down lists for every field with choices and for the user's
dependencias; CSV with the same headers."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.sach import vocab
from ckanext.sach.bulk import template

from .conftest import OTHER_ORG, columns

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _book(officer):
    return openpyxl.load_workbook(io.BytesIO(template.render(columns(officer["name"]), "xlsx")))


def _lists(book) -> dict[str, list[str]]:
    """Header of the Catálogo column → the labels its drop-down offers."""
    sheet, lists = book["Catálogo"], book["Listas"]
    header = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for dv in sheet.data_validations.dataValidation:
        ref = dv.formula1.split("!")[1].replace("$", "")
        start, end = ref.split(":")
        values = [c.value for row in lists[f"{start}:{end}"] for c in row]
        for rng in dv.sqref.ranges:
            found[header[rng.coord.split(":")[0].rstrip("0123456789")]] = values
    return found


def test_headers_are_the_schema_labels_with_help_as_comments(officer):
    schema = scheming_get_dataset_schema("dataset")
    sheet = _book(officer)["Catálogo"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Tipo de fila"
    for f in schema["dataset_fields"]:
        if f.get("repeating_subfields"):
            for sub in f["repeating_subfields"]:
                assert f"{f['label']['es']}: {sub['label']['es']}" in header
        else:
            assert f["label"]["es"] in header
    for f in schema["resource_fields"]:
        if f["field_name"] != "size":
            assert f"Recurso: {f['label']['es']}" in header
    comments = {c.value: c.comment.text for c in sheet[1] if c.comment}
    assert comments["Frecuencia de actualización"].startswith("Cada cuánto se actualizan los datos (ISO 8601).")
    assert "Obligatorio." in comments["Título"]
    assert "Varios valores separados por «;»." in comments["Idioma"]


def test_every_choice_field_has_a_drop_down(officer, other_org):
    lists = _lists(_book(officer))
    frequencies = [vocab.label("frequencies", v, "es") for v in vocab.values("frequencies")]
    assert lists["Frecuencia de actualización"] == frequencies
    assert lists["Sector"][0] == vocab.label("sectors", vocab.values("sectors")[0], "es")
    assert len(lists["Obligaciones de transparencia"]) == len(vocab.values("obligations"))
    assert "Náhuatl" in lists["Idioma"]
    assert "San Rafael Comac" in lists["Cobertura geográfica: Lugar"]
    assert "Términos de Libre Uso MX" in " ".join(lists["Licencia"])
    assert lists["¿Contiene datos personales?"] == [vocab.label("personal_data", v, "es")
                                                    for v in vocab.values("personal_data")]
    assert "Diccionario de datos" in lists["Recurso: Tipo de recurso"]
    assert "CSV" in lists["Recurso: Formato"]
    assert lists["Tipo de fila"] == ["Conjunto", "Recurso"]
    # only the dependencias this officer may publish for
    assert lists["Dependencia"] == ["Tesorería Municipal"]
    assert OTHER_ORG not in str(lists)


def test_csv_template_has_the_same_headers(officer):
    cols = columns(officer["name"])
    text = template.render(cols, "csv").decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == [c.label for c in cols]
