"""``/datastore/dump-xlsx/<resource_id>``: a DataStore table as an Excel workbook.

CKAN's own dump (``/datastore/dump/<id>``) writes CSV, TSV, JSON and XML. The rows
are read through ``datastore_search`` with the visitor's own rights (a private
dataset's table answers only who may read it) and written to a temporary file with
openpyxl's write-only mode before the response starts, so no database work happens
while the body streams.
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk
from ckan.types import Context

__all__ = ["get_blueprints"]

blueprint = Blueprint("sach_explore", __name__)

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_ROWS = 1_048_575  # a worksheet's rows, less the heading


def _context() -> Context:
    return {"user": tk.g.user, "auth_user_obj": tk.g.userobj}


def _pages(resource_id: str, page_size: int) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        page = tk.get_action("datastore_search")(_context(), {
            "resource_id": resource_id, "limit": page_size, "offset": offset, "sort": "_id",
            "records_format": "lists", "include_total": offset == 0,
        })
        yield page
        offset += len(page["records"])
        if len(page["records"]) < page_size:
            return


@blueprint.route("/datastore/dump-xlsx/<resource_id>")
def dump_xlsx(resource_id: str) -> Any:
    from openpyxl import Workbook

    page_size = tk.config.get("ckan.datastore.search.rows_max") or 32000
    try:
        pages = _pages(resource_id, int(page_size))
        first = next(pages)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Este recurso no tiene datos en el almacén de datos."))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("No tiene permiso para descargar estos datos."))
    if (first.get("total") or 0) > XLSX_MAX_ROWS:
        return tk.abort(400, tk._("La tabla tiene más filas de las que caben en una hoja de Excel: "
                                  "descárguela en CSV."))
    columns = [f["id"] for f in first["fields"] if f["id"] != "_id"]
    keep = [i for i, f in enumerate(first["fields"]) if f["id"] != "_id"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="datos")
    sheet.append(columns)
    for page in _chain(first, pages):
        for row in page["records"]:
            sheet.append([_cell(sheet, row[i]) for i in keep])
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- send_file streams and closes it after the response
    workbook.save(out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_MEDIA_TYPE, as_attachment=True,
                     download_name=f"{resource_id}.xlsx", max_age=0)


def _cell(sheet: Any, value: Any) -> Any:
    """A value as a cell; text is always text (a value starting with ``=`` is not a formula)."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, (int, float)):
        return value
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else str(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def get_blueprints() -> list[Any]:
    return [blueprint]
