"""The dry run reports every planted error with its row and column, in Spanish, and writes
nothing; bad files get a clear Spanish message."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa

from ckan import model

from ckanext.sach.bulk.reader import FileError

from .conftest import OTHER_ORG, csv_bytes, resource_row, row, run, texts, xlsx

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _counts() -> dict[str, int]:
    tables = ("package", "resource", "activity", "member", "sach_privacy_scan", "sach_search_doc")
    return {t: model.Session.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}


def _planted(officer) -> bytes:
    rows = [
        row("bien-1"), resource_row("bien-1"),                                        # 2, 3
        row("frecuencia-mala", frequency="cada rato"),                                # 4
        row("sin-titulo", title=""),                                                  # 5
        row("correo-malo", **{"contact.email": "tesoreria-en-sach"}),                 # 6
        row("fecha-futura", modified="2999-01-01"),                                   # 7
        row("recurso-malo"), resource_row("recurso-malo", **{"resource.url": "javascript:alert(1)"}),  # 8, 9
        row("formula"),                                                               # 10 (formula below)
        row("repetido"), row("repetido"),                                             # 11, 12
        row("padron-dif"),                                                            # 13: DIF's name
        row("ajeno", owner_org=OTHER_ORG),                                            # 14: not the officer's
        {"_row": "fila rara", "title": "¿?", "name": "rara"},                         # 15
        row("bien-2"),                                                                # 16
    ]
    book = openpyxl.load_workbook(io.BytesIO(xlsx(rows, officer["name"])))
    sheet = book["Catálogo"]
    header = [c.value for c in sheet[1]]
    sheet.cell(10, header.index("Descripción") + 1).value = '=CONCATENATE("a","b")'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_dry_run_reports_every_planted_error_and_writes_nothing(officer, other_org):
    data = _planted(officer)
    before = _counts()
    report = run(data, officer["name"], dry_run=True)
    assert _counts() == before
    found = texts(report)
    expected = [
        ("Fila 4, columna Frecuencia de actualización:", None),
        ("Fila 5, columna Título:", None),
        ("Fila 6, columna Punto de contacto: Correo electrónico:", None),
        ("Fila 7, columna Fecha de última actualización:", None),
        ("Fila 9, columna Recurso: URL o archivo:", None),
        ("Fila 10, columna Descripción:", "fórmula"),
        ("Fila 11, columna URL:", "se repite en la fila 12"),
        ("Fila 12, columna URL:", "ya aparece en la fila 11"),
        ("Fila 13, columna URL:", "otra dependencia"),
        ("Fila 14, columna Dependencia:", "esta carga es para la dependencia «Tesorería Municipal»"),
        ("Fila 15, columna Tipo de fila:", "«Conjunto» o «Recurso»"),
    ]
    for prefix, words in expected:
        hits = [t for t in found if t.startswith(prefix)]
        assert hits, (prefix, found)
        if words:
            assert any(words in t for t in hits), (prefix, hits)
    assert len(found) == len(expected), found
    # Spanish, not CKAN's English defaults
    assert not any("Missing value" in t or "must be" in t for t in found), found
    assert sorted(report.created) == ["bien-1", "bien-2"]
    assert len(report.failed) == 11


def test_load_of_the_same_file_saves_only_the_good_rows(officer, other_org):
    report = run(_planted(officer), officer["name"])
    assert sorted(report.created) == ["bien-1", "bien-2"]
    names = {p.name for p in model.Session.query(model.Package).filter(model.Package.state == "active")}
    assert names == {"bien-1", "bien-2", "padron-dif"}
    assert len(model.Package.get("bien-1").resources) == 1


def test_csv_reads_like_xlsx(officer):
    report = run(csv_bytes([row("csv-1"), resource_row("csv-1"), row("csv-2", sector="nada")], officer["name"]),
                 officer["name"], dry_run=True)
    assert report.created == ["csv-1"]
    assert [t.split(":")[0] for t in texts(report)] == ["Fila 4, columna Sector"]


def _xlsx_edit(officer, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(xlsx([row("a-1"), row("a-2")], officer["name"])))
    edit(book, book["Catálogo"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


def _broken_sheet(officer) -> bytes:
    """A real workbook whose sheet XML was cut in half."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([row("a-1")], officer["name"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    return out.getvalue()


def _rename_header(book, sheet):
    sheet.cell(1, 2).value = "Nombre del conjunto"


def _drop_required(book, sheet):
    sheet.delete_cols(2)  # Título


def _old_template(book, sheet):
    book["_sach"].cell(1, 2).value = "0123456789ab"
    sheet.cell(1, 2).value = "Titulo del conjunto (v1)"


def _merge(book, sheet):
    sheet.merge_cells("D2:D3")


def _only_empty_rows(book, sheet):
    sheet.delete_rows(2, 2)
    for r in range(2, 8):
        sheet.cell(r, 2).value = "   "


def _huge(book, sheet):
    for r in range(4, 10_003):
        sheet.cell(r, 1).value = "Conjunto"
        sheet.cell(r, 3).value = f"conjunto-{r}"


BAD_FILES = {
    "png": (lambda o: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "no es una hoja de cálculo"),
    "pdf": (lambda o: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00<<>>", "no es una hoja de cálculo"),
    "xls": (lambda o: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel antiguo"),
    "docx": (lambda o: _docx(), "no es una hoja de cálculo"),
    "hoja rota": (_broken_sheet, "no es una hoja de cálculo"),
    "texto": (lambda o: "Querida Tesorería:\nles mando los datos.\n".encode(), "no es una hoja de cálculo"),
    "encabezado cambiado": (lambda o: _xlsx_edit(o, _rename_header), "columnas desconocidas: «Nombre del conjunto»"),
    "sin columna obligatoria": (lambda o: _xlsx_edit(o, _drop_required), "faltan las columnas obligatorias: «Título»"),
    "plantilla antigua": (lambda o: _xlsx_edit(o, _old_template), "versión anterior"),
    "celdas combinadas": (lambda o: _xlsx_edit(o, _merge), "celdas combinadas (D2:D3)"),
    "filas vacías": (lambda o: _xlsx_edit(o, _only_empty_rows), "no tiene filas de datos"),
    "10000 filas": (lambda o: _xlsx_edit(o, _huge), "más de 5000 filas"),
    "csv vacío": (lambda o: csv_bytes([], o["name"]), "no tiene filas de datos"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_get_a_clear_spanish_message(officer, kind):
    make, words = BAD_FILES[kind]
    before = _counts()
    with pytest.raises(FileError) as err:
        run(make(officer), officer["name"], dry_run=False)
    assert words in err.value.message
    assert _counts() == before


def test_empty_rows_between_data_are_skipped(officer):
    def gap(book, sheet):
        sheet.insert_rows(3, 2)

    report = run(_xlsx_edit(officer, gap), officer["name"], dry_run=True)
    assert report.errors == [] and report.created == ["a-1", "a-2"]
