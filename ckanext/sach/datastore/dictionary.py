"""The Guía's data dictionary, written into the DataStore's own data dictionary.

A dataset's dictionary is its resource with ``resource_role`` ``data_dictionary``: an uploaded
CSV with one row per column of the data. Its header names the columns of the dictionary; the
forms officers use are accepted, without regard to case, accents or spaces around them:

- the column described: ``campo``, ``columna``, ``nombre del campo``, ``variable`` or ``nombre``
  (``nombre`` is the label instead when another of these is present);
- its label: ``etiqueta`` or ``nombre`` (see above); without one the label is the column name
  with ``_`` as spaces and a capital letter;
- its type: ``tipo`` or ``tipo de dato``;
- its description: ``descripción``, ``descripcion``, ``definición`` or ``definicion``.

After xloader loads a table (``IXloader.after_upload``) each of its columns found in the
dictionary (same name, case and accents aside) gets ``info`` ``{label, notes, type_override}``
through ``datastore_create`` with ``fields``, so ``datastore_search`` returns them and previews
show the labels. ``type_override`` is set only for types the DataStore understands (text,
numeric, timestamp) and is used by xloader on the next load.
"""
from __future__ import annotations

import csv
import io
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import uploader

log = logging.getLogger(__name__)

ROLE = "data_dictionary"
MAX_BYTES = 2 * 1024 * 1024
KEY_HEADERS = ("campo", "columna", "nombre del campo", "variable", "nombre")
LABEL_HEADERS = ("etiqueta", "nombre")
TYPE_HEADERS = ("tipo", "tipo de dato")
NOTES_HEADERS = ("descripcion", "definicion")
TYPE_OVERRIDES = {
    "texto": "text", "text": "text", "cadena": "text", "string": "text", "categoria": "text",
    "numero": "numeric", "numerico": "numeric", "entero": "numeric", "decimal": "numeric",
    "integer": "numeric", "numeric": "numeric", "moneda": "numeric", "porcentaje": "numeric",
    "fecha": "timestamp", "fecha y hora": "timestamp", "date": "timestamp", "timestamp": "timestamp",
}


def fold(text: Any) -> str:
    """Lower case, no accents, single spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("_", " ").split())


@dataclass
class Entry:
    column: str
    label: str
    notes: str
    type_name: str

    def info(self) -> dict[str, str]:
        info = {"label": self.label, "notes": self.notes}
        override = TYPE_OVERRIDES.get(fold(self.type_name))
        if override:
            info["type_override"] = override
        return info


def _pick(headers: dict[str, int], names: tuple[str, ...], exclude: int | None = None) -> int | None:
    for name in names:
        index = headers.get(name)
        if index is not None and index != exclude:
            return index
    return None


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def parse(raw: bytes) -> dict[str, Entry]:
    """Dictionary entries by folded column name (empty when the file is not a dictionary)."""
    text = _decode(raw[:MAX_BYTES])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        return {}
    headers = {fold(h): i for i, h in reversed(list(enumerate(rows[0])))}
    key = _pick(headers, KEY_HEADERS)
    if key is None:
        return {}
    label = _pick(headers, LABEL_HEADERS, exclude=key)
    type_ = _pick(headers, TYPE_HEADERS)
    notes = _pick(headers, NOTES_HEADERS)

    def cell(row: list[str], index: int | None) -> str:
        return row[index].strip() if index is not None and index < len(row) else ""

    entries: dict[str, Entry] = {}
    for row in rows[1:]:
        column = cell(row, key)
        if not column:
            continue
        entries[fold(column)] = Entry(
            column=column,
            label=cell(row, label) or default_label(column),
            notes=cell(row, notes),
            type_name=cell(row, type_),
        )
    return entries


def default_label(column: str) -> str:
    words = " ".join(column.replace("_", " ").split())
    return words[:1].upper() + words[1:]


def dictionary_resource(dataset: dict[str, Any]) -> dict[str, Any] | None:
    for res in dataset.get("resources") or []:
        if isinstance(res, dict) and res.get("resource_role") == ROLE:
            return res
    return None


def read_dictionary(dataset: dict[str, Any]) -> dict[str, Entry]:
    """The entries of the dataset's dictionary resource (an uploaded CSV), or none."""
    res = dictionary_resource(dataset)
    if res is None or res.get("url_type") != "upload":
        return {}
    path = uploader.get_resource_uploader(res).get_path(res["id"])
    try:
        with open(path, "rb") as f:
            return parse(f.read(MAX_BYTES))
    except OSError:
        log.warning("Data dictionary %s of dataset %s could not be read", res["id"], dataset.get("id"))
        return {}


def table_fields(resource_id: str) -> list[dict[str, Any]]:
    info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    return [f for f in info.get("fields", []) if not f["id"].startswith("_")]


def apply(resource: dict[str, Any], dataset: dict[str, Any]) -> list[str]:
    """Write the dictionary into the table of ``resource``; returns the columns it lacks."""
    if resource.get("resource_role") == ROLE:
        return []
    entries = read_dictionary(dataset)
    fields = table_fields(resource["id"])
    missing = [f["id"] for f in fields if fold(f["id"]) not in entries]
    if not entries:
        return missing
    updated = []
    for field in fields:
        entry = entries.get(fold(field["id"]))
        info = dict(field.get("info") or {})
        if entry is not None:
            info.update(entry.info())
        updated.append({"id": field["id"], "type": field["type"], "info": info})
    tk.get_action("datastore_create")(
        {"ignore_auth": True}, {"resource_id": resource["id"], "force": True, "fields": updated})
    return missing


def undocumented_columns(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    """For each loaded table of the dataset, the columns without a description (quality page)."""
    found = []
    for res in dataset.get("resources") or []:
        if not isinstance(res, dict) or not res.get("datastore_active") or res.get("resource_role") == ROLE:
            continue
        try:
            fields = table_fields(res["id"])
        except tk.ObjectNotFound:
            continue
        columns = [f["id"] for f in fields if not (f.get("info") or {}).get("notes")]
        if columns:
            found.append({"resource": res, "columns": columns})
    return found
