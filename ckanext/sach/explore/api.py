"""What the DataStore offers for one resource: its Data API endpoint, example calls and
dump links. One source for the resource page (templates/sach/snippets/data_api.html),
the DCAT ``dcat:DataService`` and the data.json API distribution."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk

__all__ = [
    "DATASTORE_API_DOCS",
    "DUMP_FORMATS",
    "dump_links",
    "dump_url",
    "endpoint",
    "is_loaded",
    "search_url",
    "site_url",
]

DATASTORE_API_DOCS = "https://docs.ckan.org/en/2.11/maintaining/datastore.html#the-datastore-api"
# (format parameter, label, media type); CSV/TSV/JSON/XML come from CKAN's own dump, XLSX from
# this extension's (CKAN's dump has no spreadsheet format).
DUMP_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("csv", "CSV", "text/csv"),
    ("json", "JSON", "application/json"),
    ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("tsv", "TSV", "text/tab-separated-values"),
    ("xml", "XML", "application/xml"),
)


def site_url() -> str:
    return (tk.config.get("ckan.site_url") or "").rstrip("/")


def is_loaded(resource: dict[str, Any]) -> bool:
    """The resource's rows are in the DataStore (``datastore_active`` may be a string in
    dicts rebuilt from the search index)."""
    return tk.asbool(resource.get("datastore_active") or False)


def endpoint() -> str:
    return f"{site_url()}/api/3/action/datastore_search"


def search_url(resource_id: str, limit: int = 5) -> str:
    return f"{endpoint()}?{urlencode({'resource_id': resource_id, 'limit': limit})}"


def dump_url(resource_id: str, fmt: str) -> str:
    if fmt == "xlsx":
        return f"{site_url()}/datastore/dump-xlsx/{resource_id}"
    params = {} if fmt == "csv" else {"format": fmt}
    if fmt in ("csv", "tsv"):
        params["bom"] = "True"  # spreadsheet programs then read the accents right
    return f"{site_url()}/datastore/dump/{resource_id}?{urlencode(params)}"


def dump_links(resource_id: str) -> list[dict[str, str]]:
    return [{"format": fmt, "label": label, "media_type": media, "url": dump_url(resource_id, fmt)}
            for fmt, label, media in DUMP_FORMATS]
