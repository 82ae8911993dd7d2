"""Conversion between CKAN dataset dicts and the canonical text of template cells.

``dataset_cells`` / ``resource_cells`` turn a ``package_show`` dict into cells (export, and the
"nothing changed" comparison of a load); ``canonical`` turns what a spreadsheet cell holds (text,
number, date, a choice's label) into the same canonical text; ``to_dataset_dict`` builds the
``package_create`` / ``package_update`` payload. No value is checked here: the schema's validators
do that through the actions.
"""
from __future__ import annotations

import copy
import datetime
from typing import Any

from ckanext.sach.values import as_list

from .columns import KIND_DATASET, KIND_RESOURCE, PRIVATE_KEY, SEP, Column


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, datetime.date):  # datetimes too
        return _date_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date_text(value: datetime.date) -> str:
    """A date as ISO text; a datetime at midnight is the day alone."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0, 0):
        return value.date().isoformat()
    return value.isoformat()


def split(text: str) -> list[str]:
    """Parts of a cell with several values (positions kept, trailing empty parts dropped)."""
    parts = [p.strip() for p in text.split(";")] if text else []
    while parts and not parts[-1]:
        parts.pop()
    return parts


def canonical(col: Column, raw: Any) -> str:
    """What a cell means, as canonical text (codes of choices, values joined by ``"; "``)."""
    text = text_of(raw)
    if not text:
        return ""
    if col.multi:
        return SEP.join(col.value_of_label(p) if p else "" for p in split(text))
    return col.value_of_label(text)


def display(col: Column, text: str) -> str:
    """Canonical text as written in an exported cell (labels of choices)."""
    if not col.choices or not text:
        return text
    parts = split(text) if col.multi else [text]
    labels = [col.label_of_value(p) if p else "" for p in parts]
    if col.multi and any(";" in label for label in labels):
        return text
    return SEP.join(labels) if col.multi else labels[0]


def dataset_cells(pkg: dict[str, Any], cols: list[Column]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for col in cols:
        if col.level == "row":
            cells[col.key] = KIND_DATASET
        elif col.level != "dataset":
            continue
        elif col.sub:
            entries = [e for e in as_list(pkg.get(col.field)) if isinstance(e, dict)]
            values = [text_of(e.get(col.sub)) for e in entries]
            cells[col.key] = SEP.join(values) if any(values) else ""
        elif col.key == "tag_string":
            cells[col.key] = ", ".join(sorted(t["name"] for t in pkg.get("tags") or [] if isinstance(t, dict)))
        elif col.key == "owner_org":
            org = pkg.get("organization") or {}
            cells[col.key] = org.get("name") or text_of(pkg.get("owner_org"))
        elif col.key == PRIVATE_KEY:
            cells[col.key] = text_of(bool(pkg.get("private")))
        elif col.multi:
            cells[col.key] = SEP.join(text_of(v) for v in as_list(pkg.get(col.field)))
        else:
            cells[col.key] = text_of(pkg.get(col.field))
    return cells


def resource_cells(res: dict[str, Any], dataset_name: str, cols: list[Column]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for col in cols:
        if col.level == "row":
            cells[col.key] = KIND_RESOURCE
        elif col.key == "name":
            cells[col.key] = dataset_name
        elif col.level == "resource":
            cells[col.key] = text_of(res.get(col.field))
    return cells


def to_dataset_dict(cells: dict[str, str], cols: list[Column], base: dict[str, Any] | None) -> dict[str, Any]:
    """The payload of one dataset row: ``base`` (the current dataset, for an update) with every
    column present in the file applied; an empty cell clears the field."""
    data: dict[str, Any] = copy.deepcopy(base) if base else {}
    repeating: dict[str, dict[str, list[str]]] = {}
    for col in cols:
        if col.level != "dataset" or col.key not in cells:
            continue
        text = cells[col.key]
        if col.sub:
            repeating.setdefault(col.field, {})[col.sub] = split(text)
        elif col.key == PRIVATE_KEY:
            _set_private(data, text, base)
        elif col.key == "tag_string":
            data.pop("tags", None)
            data["tag_string"] = text
        elif col.multi:
            data[col.field] = [v for v in split(text) if v]
        else:
            data[col.field] = text
    for field_name, subs in repeating.items():
        data[field_name] = _repeating_entries(subs)
    data.setdefault("type", "dataset")
    return data


def _set_private(data: dict[str, Any], text: str, base: dict[str, Any] | None) -> None:
    if text in ("True", "False"):
        data["private"] = text == "True"
    elif text:
        data["private"] = text  # the validators say what is wrong with it
    elif base is None:
        data["private"] = True  # new datasets are private unless the row says otherwise


def _repeating_entries(subs: dict[str, list[str]]) -> list[dict[str, str]]:
    """Entries of a repeating field from its sub-columns (the i-th value of each), empty ones dropped."""
    n = max((len(v) for v in subs.values()), default=0)
    entries = []
    for i in range(n):
        entry = {sub: (values[i] if i < len(values) else "") for sub, values in subs.items()}
        if any(entry.values()):
            entries.append(entry)
    return entries


def to_resource_dict(cells: dict[str, str], cols: list[Column], base: dict[str, Any] | None) -> dict[str, Any]:
    res: dict[str, Any] = copy.deepcopy(base) if base else {}
    for col in cols:
        if col.level != "resource" or col.key not in cells:
            continue
        text = cells[col.key]
        if col.field == "url" and base and base.get("url_type") == "upload":
            if text == text_of(base.get("url")):
                continue  # the stored file stays
            res["url_type"] = ""
        res[col.field] = text
    return res
