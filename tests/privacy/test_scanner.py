"""The streamed scanner on generated CSV, XLSX, JSON and GeoJSON files."""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import random

import pytest

from ckanext.sach.privacy import scanner

from . import synthetic as s

pytestmark = pytest.mark.unit


def _people(n=200, seed=3):
    return s.people_rows(random.Random(seed), n)


def test_csv_counts_and_locations_without_values(caplog):
    header, rows = _people()
    data = s.csv_bytes(rows, header)
    with caplog.at_level(logging.DEBUG):
        result = scanner.scan_stream(io.BytesIO(data), "csv", max_samples=3)
    assert result.complete and result.encoding == "utf-8"
    assert result.counts == {"column_name": 6, "curp": 200, "rfc": 200, "clave_elector": 200,
                             "email": 200, "phone": 200}
    # the 10-digit amounts of the money column are not phones
    assert result.columns["phone"] == {"telefono": 200}
    assert result.columns["curp"] == {"curp": 200}
    assert result.samples["curp"] == [{"row": 2, "column": "curp"}, {"row": 3, "column": "curp"},
                                      {"row": 4, "column": "curp"}]
    assert result.rows_scanned == 200
    dumped = json.dumps(result.to_dict(), ensure_ascii=False) + caplog.text
    for row in rows[:50]:
        for value in row[1:7]:
            assert value not in dumped


def test_clean_file_has_no_findings():
    rng = random.Random(9)
    header = ["folio", "concepto", "monto", "fecha", "colonia"]
    rows = [[f"F-{i:08d}", s.clean_value(rng), f"{rng.randint(2_000_000_000, 9_999_999_999)}",
             "2024-05-01", "San Rafael Comac"] for i in range(2000)]
    result = scanner.scan_stream(io.BytesIO(s.csv_bytes(rows, header)), "csv")
    assert result.total == 0 and result.complete and not result.has_findings


def test_near_misses_in_a_file_are_not_reported():
    rng = random.Random(4)
    rows = [[v] for _ in range(100) for v in s.near_misses(rng)]
    result = scanner.scan_stream(io.BytesIO(s.csv_bytes(rows, ["valor"])), "csv")
    assert result.counts == {}


def test_latin1_semicolon_and_multiline_quoted_cells():
    rng = random.Random(5)
    curp = s.curp(rng)
    header = ["descripción", "observación"]
    rows = [["Año", "sin datos"], ["Línea uno\nlínea dos; con punto y coma", f"Beneficiario {curp}"],
            ["Peña", "ok"]]
    result = scanner.scan_stream(io.BytesIO(s.csv_bytes(rows, header, "latin-1", ";")), "csv")
    assert result.encoding == "latin-1"
    assert result.counts == {"curp": 1}
    # the record starts on line 3 of the file; the column is the second one
    assert result.samples["curp"] == [{"row": 3, "column": "observación"}]


def test_utf8_bom_and_tsv():
    rng = random.Random(6)
    data = b"\xef\xbb\xbf" + s.csv_bytes([[s.email(rng), "x"]], ["correo", "otro"], delimiter="\t")
    result = scanner.scan_stream(io.BytesIO(data), "tsv")
    assert result.encoding == "utf-8-sig"
    assert result.counts["email"] == 1 and result.samples["email"] == [{"row": 2, "column": "correo"}]


def test_size_limit_marks_the_scan_incomplete():
    header, rows = _people(2000)
    data = s.csv_bytes(rows, header)
    result = scanner.scan_stream(io.BytesIO(data), "csv", max_bytes=10_000)
    assert not result.complete and result.has_findings
    assert result.bytes_scanned == 10_000
    assert 0 < result.counts["curp"] < 2000


def test_findings_across_chunk_boundaries(monkeypatch):
    monkeypatch.setattr(scanner, "CHUNK_BYTES", 4096)
    header, rows = _people(500)
    rows[100][1] = "texto\n" * 2000 + "fin"  # a quoted field larger than a chunk
    result = scanner.scan_stream(io.BytesIO(s.csv_bytes(rows, header)), "csv")
    assert result.counts["curp"] == 500 and result.counts["email"] == 500


def test_unbalanced_quote_does_not_crash():
    data = b'nombre,correo\n"sin cierre,ana@correo.mx\nx,y\n'
    result = scanner.scan_stream(io.BytesIO(data), "csv")
    assert result.counts.get("column_name") == 2


def test_utf16_is_reported_incomplete():
    data = "nombre,correo\nAna,ana@correo.mx\n".encode("utf-16")
    result = scanner.scan_stream(io.BytesIO(data), "csv")
    assert not result.complete and "UTF-16" in result.error


def test_xlsx_streaming(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    rng = random.Random(8)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Padrón")
    sheet.append(["folio", "beneficiario", "telefono", "monto"])
    phones = []
    for i in range(50):
        phone = int("222" + f"{rng.randint(0, 9999999):07d}")
        phones.append(phone)
        sheet.append([i, s.curp(rng), phone, 2345678901])
    sheet.append([51, "ok", None, 2345678901.5])
    path = tmp_path / "padron.xlsx"
    book.save(path)
    result = scanner.scan_file(path)
    assert result.format == "xlsx" and result.complete
    assert result.counts == {"column_name": 1, "curp": 50, "phone": 50}  # "telefono" is a hint
    assert result.samples["curp"][0] == {"row": 2, "column": "Padrón!beneficiario"}
    assert str(phones[0]) not in json.dumps(result.to_dict())


def test_xlsx_cells_read_as_the_officer_typed_them(tmp_path):
    """Numbers, dates, text with leading zeros, empty rows and columns, several sheets: the
    findings name the sheet, the header and the row number Excel shows."""
    openpyxl = pytest.importorskip("openpyxl")
    rng = random.Random(11)
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Pagos"
    first["B3"], first["C3"], first["D3"], first["E3"], first["F3"] = "folio", "fecha", "monto", "clave", "telefono"
    phone = int("222" + f"{rng.randint(0, 9999999):07d}")
    first.append([None, "0012", dt.date(2025, 3, 1), 2345678901, "0012345678", phone])
    first.append([])
    first.append([None, "0013", dt.datetime(2025, 3, 2, 10, 30),  # noqa: DTZ001 -- Excel cells have no time zone
                  2345678901.0, "0222123456", 2.5])
    first.append([None, "0014", dt.time(9, 15), 1e20, "ninguna", True])
    second = book.create_sheet("Contactos")
    second.append(["nombre", "correo"])
    second.append(["Ana", s.email(rng)])
    second.append([])
    second.append(["Luis", s.curp(rng)])
    hidden = book.create_sheet("Oculta")
    hidden.sheet_state = "hidden"
    hidden.append(["dato"])
    hidden.append([s.email(rng)])
    book.create_sheet("Vacía")
    path = tmp_path / "pagos.xlsx"
    book.save(path)
    result = scanner.scan_file(path)
    assert result.complete, result.error
    # hints: "telefono", "nombre", "correo"; the 10-digit amounts and the text with leading zeros are no phones
    assert result.counts == {"column_name": 3, "phone": 1, "email": 2, "curp": 1}
    assert result.samples["phone"] == [{"row": 4, "column": "Pagos!telefono"}]
    assert {"column": "telefono", "index": 6, "kind": "phone"} in result.column_hints  # column F
    assert result.samples["email"] == [{"row": 2, "column": "Contactos!correo"},
                                       {"row": 2, "column": "Oculta!dato"}]
    assert result.samples["curp"] == [{"row": 4, "column": "Contactos!correo"}]
    assert result.rows_scanned == 8  # the rows under each header, empty ones included


def test_xlsx_damaged_is_incomplete(tmp_path):
    path = tmp_path / "roto.xlsx"
    path.write_bytes(b"PK\x03\x04 no es un libro")
    result = scanner.scan_file(path)
    assert not result.complete and result.error


def test_json_records_and_nested_keys():
    rng = random.Random(10)
    records = [{"id": i, "contacto": {"correo": s.email(rng), "tel": s.phone(rng)}, "monto": 2345678901}
               for i in range(30)]
    data = json.dumps({"resultados": records}).encode()
    result = scanner.scan_stream(io.BytesIO(data), "json")
    assert result.complete
    assert result.counts["email"] == 30 and result.counts["phone"] == 30
    assert result.samples["email"][0] == {"row": 1, "column": "contacto.correo"}
    assert result.samples["phone"][1] == {"row": 2, "column": "contacto.tel"}


def test_geojson_properties_not_geometry():
    rng = random.Random(12)
    props = [{"nombre_parque": "Parque Central", "responsable_correo": s.email(rng)} for _ in range(10)]
    props.append({"nombre_parque": "Otro", "domicilio": "Calle 5 de Mayo 12"})
    result = scanner.scan_stream(io.BytesIO(s.geojson_bytes(props)), "geojson")
    assert result.counts["email"] == 10
    assert result.samples["email"][0] == {"row": 1, "column": "responsable_correo"}
    hinted = {h["column"] for h in result.column_hints}
    assert hinted == {"domicilio", "responsable_correo"}


def test_truncated_json_is_incomplete():
    data = b'[{"correo": "ana@correo.mx"}, {"correo": '
    result = scanner.scan_stream(io.BytesIO(data), "json")
    assert not result.complete and result.counts["email"] == 1


def test_unsupported_format():
    with pytest.raises(ValueError, match="Formato no revisable"):
        scanner.scan_stream(io.BytesIO(b"%PDF"), "pdf")
    assert scanner.normalise_format("CSV") == "csv"
    assert scanner.normalise_format(None, "https://x.mx/a.geojson?x=1") == "geojson"
    assert scanner.normalise_format("PDF", "a.pdf") is None
