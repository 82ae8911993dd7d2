"""Reading an uploaded spreadsheet (XLSX or CSV) into canonical rows, streaming.

Whatever is wrong with the *file* raises :class:`FileError` with a Spanish message (never a
500): not a spreadsheet, an old Excel file, wrong or missing headers, a template of an older
schema, merged cells, too many rows, no data. What is wrong with a *cell* (a formula) is kept on
the row and reported with its row and column.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ckan.plugins.toolkit as tk

from . import cells as cellmod
from .columns import ROW_KIND_KEY, Column, fingerprint, normal

MARKER_SHEET = "_sach"
MARKER = "sach-carga-masiva"
DATA_SHEET = "Catálogo"
LIST_SHEET = "Listas"


class FileError(Exception):
    """A file that cannot be read as a bulk template (message in Spanish)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    number: int                            # row number in the sheet (header is row 1)
    cells: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column key, message)


@dataclass
class Sheet:
    rows: list[Row]


def _formula_message() -> str:
    return tk._("la celda contiene una fórmula; escriba el valor (copie y pegue como «solo valores»).")


def read(stream: IO[bytes], cols: list[Column], max_rows: int) -> Sheet:
    """The whole file at once (small files: tests, counts)."""
    return Sheet(list(iter_rows(stream, cols, max_rows)))


def iter_rows(stream: IO[bytes], cols: list[Column], max_rows: int) -> Iterator[Row]:
    """The data rows of ``stream``, read as they are needed (memory does not grow with the file);
    a :class:`FileError` as soon as the file is found wrong (headers first, before any row)."""
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(tk._("Es un archivo de Excel antiguo (.xls). Guárdelo como «Libro de Excel (.xlsx)» "
                             "o como «CSV UTF-8» y vuelva a subirlo."))
    if head.startswith(b"PK\x03\x04"):
        return _started(_read_xlsx(stream, cols, max_rows))
    return _started(_read_csv(stream, cols, max_rows))


def _started(rows: Iterator[Row]) -> Iterator[Row]:
    """Run a row generator up to its header checks now (a bad header raises at once), then
    hand out the rows lazily."""
    first = next(rows, None)

    def rest() -> Iterator[Row]:
        if first is not None:
            yield first
        yield from rows
    return rest()


def _not_a_spreadsheet() -> FileError:
    return FileError(tk._("El archivo no es una hoja de cálculo XLSX ni un CSV. Descargue la plantilla, "
                          "llénela y súbala tal cual."))


def _map_header(header: list[Any], cols: list[Column], marker: str | None) -> list[Column | None]:
    by_name: dict[str, Column] = {}
    for col in cols:  # field keys ("title", "contact.email") too, unless a label reads the same
        by_name[normal(col.key)] = col
    for col in cols:
        by_name[normal(col.label)] = col
    mapped: list[Column | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for cell in header:
        text = cellmod.text_of(cell)
        if not text:
            mapped.append(None)
            continue
        named = by_name.get(normal(text))
        if named is None:
            unknown.append(text)
            mapped.append(None)
            continue
        if named.key in seen:
            raise FileError(tk._("La columna «{column}» aparece dos veces en el encabezado.").format(column=text))
        seen.add(named.key)
        mapped.append(named)
    missing = [c.label for c in cols if c.required and c.key not in seen and c.level != "resource"]
    if not seen:
        raise FileError(tk._("La primera fila no tiene los encabezados de la plantilla de carga masiva "
                             "(«Tipo de fila», «Título», «URL»…). Descargue la plantilla y use sus columnas."))
    if marker is not None and marker != fingerprint(cols) and (missing or unknown):
        raise FileError(tk._("La plantilla es de una versión anterior del esquema de datos. Descargue la "
                             "plantilla actual (o exporte de nuevo la dependencia) y copie en ella sus "
                             "filas. Columnas que ya no existen: {unknown}. Columnas nuevas obligatorias: "
                             "{missing}.").format(unknown=", ".join(unknown) or "—",
                                                  missing=", ".join(missing) or "—"))
    problems = []
    if unknown:
        problems.append(tk._("columnas desconocidas: {names}").format(names=", ".join(f"«{u}»" for u in unknown)))
    if missing:
        problems.append(tk._("faltan las columnas obligatorias: {names}").format(
            names=", ".join(f"«{m}»" for m in missing)))
    if problems:
        raise FileError(tk._("Los encabezados no corresponden a la plantilla: {problems}. Use los encabezados "
                             "de la plantilla descargada, sin cambiarlos.").format(problems="; ".join(problems)))
    return mapped


def _rows(values: Iterator[tuple[int, list[Any], list[bool]]], mapped: list[Column | None],
          max_rows: int) -> Iterator[Row]:
    """The data rows, one at a time (empty rows skipped); a :class:`FileError` past ``max_rows``
    rows, or at the end when there was none."""
    count = 0
    for number, row_values, formulas in values:
        cells: dict[str, str] = {}
        problems: list[tuple[str, str]] = []
        blank = True
        for i, col in enumerate(mapped):
            if col is None:
                continue
            raw = row_values[i] if i < len(row_values) else None
            if i < len(formulas) and formulas[i]:
                problems.append((col.key, _formula_message()))
                cells[col.key] = ""
                blank = False
                continue
            text = cellmod.canonical(col, raw)
            cells[col.key] = text
            blank = blank and not text
        if blank:
            continue
        if count >= max_rows:
            raise FileError(tk._("El archivo tiene más de {max} filas de datos. Divídalo en varios archivos de "
                                 "hasta {max} filas (conjuntos y recursos).").format(max=max_rows))
        count += 1
        yield Row(number, cells, problems)
    if not count:
        raise FileError(tk._("El archivo no tiene filas de datos: llene al menos una fila «Conjunto» debajo "
                             "de los encabezados."))


# --- XLSX -----------------------------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ref(stream: IO[bytes], sheet_path: str) -> str | None:
    """The first merged range of a worksheet (read from the XML in chunks: read-only mode of
    openpyxl does not expose merged cells)."""
    with zipfile.ZipFile(stream) as archive:
        try:
            member = archive.open(sheet_path)
        except KeyError:
            return None
        with member:
            tail = b""
            while True:
                chunk = member.read(1 << 16)
                if not chunk:
                    return None
                found = _MERGE.search(tail + chunk)
                if found:
                    return found.group(1).decode()
                tail = chunk[-200:]


def _read_xlsx(stream: IO[bytes], cols: list[Column], max_rows: int) -> Iterator[Row]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 -- openpyxl raises many kinds (KeyError, ParseError, TypeError…) on a zip that is not a workbook (docx, odt…) or a broken file
        raise _not_a_spreadsheet() from None
    try:
        yield from _xlsx_rows(book, stream, cols, max_rows)
    except FileError:
        raise
    except GeneratorExit:
        raise
    except Exception:  # noqa: BLE001 -- the same for a workbook whose sheet XML is broken (read while iterating)
        raise _not_a_spreadsheet() from None
    finally:
        book.close()


def _xlsx_marker(book: Any) -> str | None:
    """The template's version mark (hidden sheet), when the file was made from the template."""
    if MARKER_SHEET not in book.sheetnames:
        return None
    first: tuple[Any, ...] = next(book[MARKER_SHEET].iter_rows(min_row=1, max_row=1, values_only=True), ())
    return str(first[1]) if len(first) >= 2 and first[0] == MARKER else None


def _xlsx_rows(book: Any, stream: IO[bytes], cols: list[Column], max_rows: int) -> Iterator[Row]:
    """The rows of the data sheet (the template's, else the first one that is not the template's
    own) under its header."""
    marker = _xlsx_marker(book)
    names = [n for n in book.sheetnames if n not in (MARKER_SHEET, LIST_SHEET)]
    if not names:
        raise _not_a_spreadsheet()
    name = DATA_SHEET if DATA_SHEET in names else names[0]
    sheet = book[name]
    sheet_path = _sheet_path(book, name)
    stream.seek(0)
    ref = _merged_ref(stream, sheet_path) if sheet_path else None
    if ref:
        raise FileError(tk._("La hoja tiene celdas combinadas ({ref}). Sepárelas («Separar celdas») y "
                             "escriba el valor en cada celda.").format(ref=ref))
    iterator = sheet.iter_rows()
    header_cells = next(iterator, None)
    if header_cells is None:
        raise FileError(tk._("La hoja está vacía: descargue la plantilla y llénela."))
    mapped = _map_header([c.value for c in header_cells], cols, marker)

    def values() -> Iterator[tuple[int, list[Any], list[bool]]]:
        for number, row in enumerate(iterator, start=2):
            yield number, [c.value for c in row], [getattr(c, "data_type", None) == "f" for c in row]

    yield from _rows(values(), mapped, max_rows)


def _sheet_path(book: Any, name: str) -> str | None:
    """Path of a worksheet's XML in the archive (openpyxl keeps it on read-only sheets)."""
    sheet = book[name]
    path = getattr(sheet, "_worksheet_path", None) or getattr(getattr(sheet, "_reader", None), "path", None)
    if path:
        return str(path).lstrip("/")
    index = book.sheetnames.index(name) + 1
    return f"xl/worksheets/sheet{index}.xml"


# --- CSV ------------------------------------------------------------------------------------

def _read_csv(stream: IO[bytes], cols: list[Column], max_rows: int) -> Iterator[Row]:
    sample = stream.read(1 << 16)
    stream.seek(0)
    if b"\x00" in sample:
        raise _not_a_spreadsheet()
    encoding = "utf-8-sig"
    try:
        sample.decode(encoding)
    except UnicodeDecodeError as err:
        if err.start < len(sample) - 4:  # not a multi-byte character cut by the sample's end
            encoding = "cp1252"
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    first_line = sample.split(b"\n", 1)[0].decode(encoding, errors="replace")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        raise _not_a_spreadsheet()
    try:
        reader = csv.reader(text, delimiter=delimiter)
        header = next(reader, None)
        if not header:
            raise _not_a_spreadsheet()
        mapped = _map_header(header, cols, None)

        def values() -> Iterator[tuple[int, list[Any], list[bool]]]:
            for number, row in enumerate(reader, start=2):
                yield number, row, [v.startswith("=") and len(v) > 1 for v in row]

        yield from _rows(values(), mapped, max_rows)
    except csv.Error:
        raise _not_a_spreadsheet() from None
    finally:
        text.detach()


def row_kind(row: Row) -> str:
    return row.cells.get(ROW_KIND_KEY, "")
