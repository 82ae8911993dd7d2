"""``/data.json``: the catalogue in the DCAT-US 1.1 (Project Open Data) shape.

This is the shape datos.gob.mx's ``catalogo.json`` carried (the Guía de
Implementación's metadata: identifier, title, description, keyword, modified,
contactPoint/mbox, temporal, spatial, landingPage, accrualPeriodicity,
distribution with downloadURL, mediaType, byteSize…). Per-dataset entries are
cached like the RDF fragments (field ``pod``) and the document is streamed.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.dcat.utils import dataset_uri

from ckanext.sach.dcat import cache, catalogue, orgs, serialize, terms
from ckanext.sach.explore import api

POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"


def _vocab():
    from ckanext.sach import vocab

    return vocab


def _label(name: str, value: str) -> str:
    item = _vocab().get(name, value) or {}
    label = item.get("label") or {}
    return (label.get("es") if isinstance(label, dict) else label) or value


def periodicity(value: str | None) -> str | None:
    if not value:
        return None
    item = _vocab().get("frequencies", value) or {}
    if item.get("iso8601"):
        return item["iso8601"]
    if value == "tiempo-real":
        return "R/PT1S"
    return "irregular"


def dataset(data: dict[str, Any]) -> dict[str, Any]:
    """One POD dataset object."""
    org = orgs.lookup((data.get("organization") or {}).get("id") or data.get("owner_org")) or {}
    municipality = catalogue.municipality_agent()
    contact = (data.get("contact") or [{}])[0]
    keywords = [t["name"] for t in data.get("tags") or []]
    if not keywords and data.get("sector"):
        keywords = [_label("sectors", data["sector"])]
    out: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": data.get("identifier") or dataset_uri(data),
        "title": data.get("title") or data["name"],
        "description": data.get("notes") or data.get("title") or data["name"],
        "keyword": keywords,
        "modified": data.get("modified") or data.get("metadata_modified"),
        "publisher": {
            "@type": "org:Organization",
            "name": org.get("title") or (data.get("organization") or {}).get("title") or municipality["name"],
            "subOrganizationOf": {"@type": "org:Organization", "name": municipality["name"]},
        },
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": contact.get("name") or org.get("title") or municipality["name"],
            "hasEmail": "mailto:" + (contact.get("email") or municipality["email"]),
        },
        "accessLevel": "public",
        "landingPage": data.get("url") or f"{tk.config.get('ckan.site_url', '').rstrip('/')}/dataset/{data['name']}",
    }
    if data.get("issued"):
        out["issued"] = data["issued"]
    if data.get("license_url"):
        out["license"] = data["license_url"]
    places = [p for p in data.get("spatial_coverage") or [] if isinstance(p, dict) and p.get("place")]
    if places:
        out["spatial"] = "; ".join(p.get("text") or _label("places", p["place"]) for p in places)
    period = temporal(data.get("temporal_coverage") or [])
    if period:
        out["temporal"] = period
    freq = periodicity(data.get("frequency"))
    if freq:
        out["accrualPeriodicity"] = freq
    if data.get("language"):
        out["language"] = list(data["language"])
    themes = [_label("sectors", data["sector"])] if data.get("sector") else []
    themes += [g.get("title") or g["name"] for g in data.get("groups") or []]
    if themes:
        out["theme"] = themes
    if data.get("data_dictionary_url"):
        out["describedBy"] = data["data_dictionary_url"]
    if data.get("documentation"):
        out["references"] = list(data["documentation"])
    if data.get("quality_notes"):
        out["dataQuality"] = True
    distributions = []
    for res in data.get("resources") or []:
        dist: dict[str, Any] = {"@type": "dcat:Distribution"}
        if res.get("name"):
            dist["title"] = res["name"]
        if res.get("description"):
            dist["description"] = res["description"]
        media = terms.media_type(res.get("mimetype"), res.get("format"))
        if res.get("url"):
            if media:
                dist["downloadURL"] = res["url"]
                dist["mediaType"] = media
            else:
                dist["accessURL"] = res["url"]
        if res.get("format"):
            dist["format"] = res["format"]
        if res.get("resource_role") == "data_dictionary" and res.get("url"):
            out.setdefault("describedBy", res["url"])
        distributions.append(dist)
        if api.is_loaded(res) and res.get("id"):
            distributions.append(api_distribution(res))
    if distributions:
        out["distribution"] = distributions
    return out


def api_distribution(res: dict[str, Any]) -> dict[str, Any]:
    """The DataStore API of a loaded resource: POD 1.1's indirect access (``accessURL`` with
    ``format`` "API", documented by ``describedBy``), as the DCAT profile's dcat:DataService."""
    return {
        "@type": "dcat:Distribution",
        "title": f"API de datos de «{res.get('name') or res['id']}»",
        "description": "Consulta, filtro y descarga de las filas con datastore_search (CKAN DataStore).",
        "accessURL": api.search_url(res["id"]),
        "format": "API",
        "describedBy": api.DATASTORE_API_DOCS,
        "describedByType": "text/html",
    }


def head() -> str:
    settings = catalogue.settings()
    return (
        "{\n"
        '"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",\n'
        f'"@id": {json.dumps(tk.config.get("ckan.site_url", "").rstrip("/") + "/data.json")},\n'
        '"@type": "dcat:Catalog",\n'
        f'"conformsTo": "{POD_SCHEMA}",\n'
        f'"describedBy": "{POD_SCHEMA}/catalog.json",\n'
        f'"title": {json.dumps(settings["title"], ensure_ascii=False)},\n'
        '"dataset": [\n'
    )


def entries(rows: Iterable[Any], version: str, batch: int = 200, stats: dict[str, int] | None = None,
            stale: bool = False, served: list[str] | None = None) -> Iterator[str]:
    """The JSON text of each row's POD dataset object, from the cache or built (field ``pod``);
    ``stats``, ``stale`` and ``served`` as in :func:`ckanext.sach.dcat.serialize.fragments`."""
    stats = stats if stats is not None else {}

    def flush(chunk: list[Any]) -> Iterator[str]:
        keys = [(r.id, serialize.dataset_version(r, version)) for r in chunk]
        found = cache.lookup(keys, "pod", stale=stale)
        missing = [r.id for r, (_, state, _) in zip(chunk, found) if state == cache.MISS]
        dicts = serialize.load_dicts(missing) if missing else {}
        out, fresh = [], []
        for r, (hit, state, stored), (_, ver) in zip(chunk, found, keys):
            if state == cache.MISS:
                data = dicts.get(r.id)
                if data is None:
                    continue
                hit = json.dumps(dataset(data), ensure_ascii=False)
                fresh.append((r.id, ver, "pod", hit))
                stats["built"] = stats.get("built", 0) + 1
                stored = ver
            else:
                assert hit is not None and stored is not None  # a fresh or stale entry has both
                name = "cached" if state == cache.FRESH else "stale"
                stats[name] = stats.get(name, 0) + 1
            if served is not None:
                served.append(stored)
            out.append(hit)
        cache.put_many(fresh)
        yield from out

    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def document(rows: Iterable[Any], version: str, batch: int = 200, stats: dict[str, int] | None = None,
             stale: bool = False, served: list[str] | None = None) -> Iterator[str]:
    yield head()
    first = True
    for entry in entries(rows, version, batch, stats, stale, served):
        yield ("" if first else ",\n") + entry
        first = False
    yield "\n]\n}\n"


def temporal(periods: Iterable[Any]) -> str | None:
    """ISO 8601 interval enclosing every declared period; ``start/..`` when one is open-ended
    (ISO 8601-2's open end), ``../end`` when one has no start."""
    starts, ends, open_start, open_end = [], [], False, False
    for period in periods:
        if not isinstance(period, dict) or not (period.get("start") or period.get("end")):
            continue
        if period.get("start"):
            starts.append(str(period["start"]))
        else:
            open_start = True
        if period.get("end"):
            ends.append(str(period["end"]))
        else:
            open_end = True
    if not starts and not ends:
        return None
    start = ".." if open_start or not starts else min(starts, key=lambda v: _sort_key(v, "-01-01"))
    end = ".." if open_end or not ends else max(ends, key=lambda v: _sort_key(v, "-12-31"))
    return f"{start}/{end}"


def _sort_key(value: str, pad: str) -> str:
    """ISO dates and date-times sort as text once completed to a full date (a year or a
    month counts from its first day as a start, to its last as an end)."""
    value = value.strip().replace(" ", "T")
    date, _, time = value.partition("T")
    if len(date) in (4, 7):
        date += pad[len(date) - 4:]
    return date + "T" + (time or ("00:00:00" if pad == "-01-01" else "23:59:59"))
