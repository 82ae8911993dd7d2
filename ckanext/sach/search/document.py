"""Turn the Solr document prepared by CKAN's PackageSearchIndex into a row of `sach_search_doc`.

CKAN has already flattened the dataset (extras as `extras_*` and bare keys, `res_*` lists, tags,
groups, `vocab_*`, permission labels) and run every plugin's `before_dataset_index`. Here we only
decide what is searchable text (and with which weight) and what is an exact-match value.
"""
from __future__ import annotations

import datetime
import json
import unicodedata
from typing import Any

from dateutil.parser import ParserError, isoparse

# Solr `text` fields of CKAN's schema: analysed, matched word by word. Every other field is a
# `string` (exact value). Prefixes cover the dynamic fields.
TEXT_FIELDS = frozenset(
    {
        "title",
        "notes",
        "text",
        "urls",
        "author",
        "author_email",
        "maintainer",
        "maintainer_email",
        "res_name",
        "res_description",
        "depends_on",
        "dependency_of",
        "derives_from",
        "has_derivation",
        "links_to",
        "linked_from",
        "child_of",
        "parent_of",
    }
)
TEXT_PREFIXES = ("extras_", "res_extras_")

# Relevance classes (PostgreSQL weights): A > B > C = D (see ts_rank weights in query.py).
WEIGHT_A = ("title", "name")
WEIGHT_B = ("tags", "groups", "organization")
WEIGHT_B_PREFIXES = ("vocab_",)
WEIGHT_C = ("notes",)
WEIGHT_D = (
    "res_name",
    "res_description",
    "res_format",
    "author",
    "maintainer",
    "license_id",
    "license_title",
    "version",
    "text",
)
WEIGHT_D_PREFIXES = ("extras_", "res_extras_")

# Stored apart from `doc` (large JSON strings returned only when asked for).
STORED_APART = ("data_dict", "validated_data_dict")
# Fields with a plain column of their own (CKAN filters on some of them in every query).
COLUMNS = ("index_id", "id", "site_id", "name", "state", "capacity", "dataset_type")
ARRAY_COLUMNS = ("permission_labels",)
# Kept out of the small `fields` document (exact values for filters and facets): columns that
# nobody facets on, long URLs, dates with columns of their own.
NOT_IN_FIELDS = frozenset(
    {"index_id", "id", "site_id", "name", "permission_labels", "entity_type", "res_url", "urls",
     "download_url", "ckan_url", "metadata_created", "metadata_modified", "indexed_ts",
     "title_string", "license_url", *STORED_APART}
)
MAX_FILTER_VALUE = 200


def is_text_field(field: str) -> bool:
    return field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES)


def in_fields(field: str) -> bool:
    """Whether a field's exact values live in the `fields` JSON document."""
    return not is_text_field(field) and field not in NOT_IN_FIELDS


def sort_key(value: str | None) -> str | None:
    """Accent- and case-insensitive sort key (Spanish readers expect Á with A)."""
    if value is None:
        return None
    folded = unicodedata.normalize("NFKD", value.strip())
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold()


def parse_datetime(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = isoparse(value)
    except (ValueError, ParserError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


DATE_FIELDS = ("metadata_created", "metadata_modified", "indexed_ts")


def is_date_field(field: str) -> bool:
    """Date fields of CKAN's Solr schema (`*_date` is a dynamic date field)."""
    return field in DATE_FIELDS or field.endswith("_date")


def solr_date(value: Any) -> Any:
    """A date as Solr stores and returns it: UTC, milliseconds at most (`2014-06-10T08:24:12.782Z`,
    `2014-03-22T00:00:00Z`). Values that are not dates are returned unchanged."""
    moment = parse_datetime(value)
    if moment is None:
        return value
    moment = moment.astimezone(datetime.UTC)
    millis = moment.microsecond // 1000
    fraction = f".{millis:03d}" if millis else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        text = str(value)
        return text if len(text) <= MAX_FILTER_VALUE else None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return None


def filter_values(value: Any) -> list[str]:
    """The distinct exact values of a field, in order: a dataset with three CSV files has the
    value CSV once, so facets count datasets, as Solr counts documents."""
    items = value if isinstance(value, (list, tuple)) else [value]
    out: dict[str, None] = {}
    for item in items:
        text = _scalar(item)
        if text is not None and text != "":
            out[text] = None
    return list(out)


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_text_of(v) for v in value)
    if isinstance(value, dict):
        return ""
    return str(value)


def _collect(doc: dict[str, Any], names: tuple[str, ...], prefixes: tuple[str, ...] = ()) -> str:
    parts = [_text_of(doc.get(n)) for n in names]
    if prefixes:
        parts.extend(_text_of(v) for k, v in sorted(doc.items()) if k.startswith(prefixes))
    return "\n".join(p for p in parts if p)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def to_row(doc: dict[str, Any]) -> dict[str, Any]:
    """Parameters of the upsert statement for one Solr document."""
    stored = {
        k: solr_date(v) if is_date_field(k) and isinstance(v, str) else v
        for k, v in doc.items()
        if k not in STORED_APART
    }
    fields: dict[str, list[str]] = {}
    for key, value in stored.items():
        if not in_fields(key) or isinstance(value, dict):
            continue
        values = filter_values(value)
        if values:
            fields[key] = values
    name = doc.get("name")
    return {
        "index_id": doc.get("index_id") or doc["id"],
        "id": doc["id"],
        "site_id": doc.get("site_id") or "",
        "name": name,
        "state": doc.get("state"),
        "capacity": doc.get("capacity"),
        "dataset_type": doc.get("dataset_type"),
        "permission_labels": [str(label) for label in doc.get("permission_labels") or []],
        "metadata_created": parse_datetime(doc.get("metadata_created")),
        "metadata_modified": parse_datetime(doc.get("metadata_modified")),
        "title_sort": sort_key(doc.get("title_string") or doc.get("title") or name),
        "doc": json.dumps(stored, default=_json_default),
        "fields": json.dumps(fields),
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
        "text_a": _collect(doc, WEIGHT_A),
        "text_b": _collect(doc, WEIGHT_B, WEIGHT_B_PREFIXES),
        "text_c": _collect(doc, WEIGHT_C),
        "text_d": _collect(doc, WEIGHT_D, WEIGHT_D_PREFIXES),
    }
