"""The XLSX and CSV template, empty or filled with a dependencia's datasets (export).

The XLSX has the sheet «Catálogo» (one row per dataset and one per resource, headers with the
help text as comments, drop-down lists), a hidden sheet «Listas» with the choices the lists read,
and a hidden sheet ``_sach`` that records the template version (a fingerprint of the columns).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO

import ckan.plugins.toolkit as tk

from . import cells as cellmod
from .columns import Column, fingerprint
from .reader import DATA_SHEET, LIST_SHEET, MARKER, MARKER_SHEET


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def write_xlsx(cols: list[Column], rows: Iterable[dict[str, str]], out: IO[bytes], max_rows: int) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = DATA_SHEET
    lists = book.create_sheet(LIST_SHEET)
    marker = book.create_sheet(MARKER_SHEET)
    marker.append([MARKER, fingerprint(cols)])
    marker.append([c.key for c in cols])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    required_fill = PatternFill("solid", fgColor="F6D9A8")
    last_row = max_rows + 1
    list_col = 0
    for i, col in enumerate(cols, start=1):
        cell = sheet.cell(row=1, column=i, value=col.label)
        cell.font = bold
        cell.fill = required_fill if col.required else fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if col.help:
            comment = Comment(col.help, "Plantilla")
            comment.width, comment.height = 320, 140
            cell.comment = comment
        letter = _column_letter(i)
        sheet.column_dimensions[letter].width = max(14, min(40, len(col.label) + 4))
        if col.choices:
            list_col += 1
            list_letter = _column_letter(list_col)
            lists.cell(row=1, column=list_col, value=col.label)
            for j, (_value, label) in enumerate(col.choices, start=2):
                lists.cell(row=j, column=list_col, value=label)
            end = len(col.choices) + 1
            dv = DataValidation(type="list", formula1=f"'{LIST_SHEET}'!${list_letter}$2:${list_letter}${end}",
                                allow_blank=True, showErrorMessage=True,
                                errorStyle="stop" if col.strict else "warning",
                                errorTitle=tk._("Valor fuera de la lista"),
                                error=tk._("Elija un valor de la lista «{column}».").format(column=col.label))
            dv.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(dv)
    lists.sheet_state = "hidden"
    marker.sheet_state = "hidden"
    sheet.freeze_panes = "C2"
    for r, row in enumerate(rows, start=2):
        for i, col in enumerate(cols, start=1):
            value = cellmod.display(col, row.get(col.key, ""))
            if value:
                cell = sheet.cell(row=r, column=i, value=value)
                if value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula stays text
    book.save(out)


def write_csv(cols: list[Column], rows: Iterable[dict[str, str]], out: IO[bytes]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([c.label for c in cols])
    for row in rows:
        writer.writerow([cellmod.display(c, row.get(c.key, "")) for c in cols])
    text.flush()
    text.detach()


def export_rows(user: str, org_name: str, cols: list[Column]) -> Iterator[dict[str, str]]:
    """The rows of every dataset of a dependencia (private ones included, as the user sees them),
    by name; resources follow their dataset."""
    org = tk.get_action("organization_show")({"user": user}, {"id": org_name, "include_datasets": False})
    start = 0
    while True:
        result = tk.get_action("package_search")({"user": user}, {
            "fq": f'+owner_org:"{org["id"]}" +dataset_type:dataset', "rows": 500, "start": start,
            "sort": "name asc", "include_private": True})
        for pkg in result["results"]:
            yield cellmod.dataset_cells(pkg, cols)
            for res in pkg.get("resources") or []:
                yield cellmod.resource_cells(res, pkg["name"], cols)
        start += len(result["results"])
        if not result["results"] or start >= result["count"]:
            return


def render(cols: list[Column], fmt: str, rows: Iterable[dict[str, str]] = ()) -> bytes:
    from . import settings

    out = io.BytesIO()
    if fmt == "csv":
        write_csv(cols, rows, out)
    else:
        write_xlsx(cols, rows, out, settings.max_rows())
    return out.getvalue()


def filename(org: str | None, fmt: str, export: bool = False) -> str:
    base = "conjuntos" if export else "plantilla-carga-masiva"
    return f"{base}-{org}.{fmt}" if org else f"{base}.{fmt}"
