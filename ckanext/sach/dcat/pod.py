"""``/data.json``: the catalogue in the DCAT-US 1.1 (Project Open Data) shape.

This is the shape datos.gob.mx's ``catalogo.json`` carried (the Guía de
Implementación's metadata: identifier, title, description, keyword, modified,
contactPoint/mbox, temporal, spatial, landingPage, accrualPeriodicity,
distribution with downloadURL, mediaType, byteSize…). Per-dataset entries are
cached like the RDF fragments (field ``pod``) and the document is streamed.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.dcat.utils import dataset_uri

from ckanext.sach import values
from ckanext.sach.dcat import cache, catalogue, orgs, serialize, terms
from ckanext.sach.explore import api

POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"


def _vocab():
    from ckanext.sach import vocab

    return vocab


def _label(name: str, value: str) -> str:
    item = _vocab().get(name, value) or {}
    return values.label_text(item.get("label"), "es") or value


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
    """One POD dataset object: the required members, then the optional ones present, then
    the distributions."""
    out = _required(data)
    for key, read in _OPTIONAL:
        value = read(data)
        if value:
            out[key] = value
    distributions = _distributions(data, out)
    if distributions:
        out["distribution"] = distributions
    return out


def _required(data: dict[str, Any]) -> dict[str, Any]:
    org = orgs.lookup((data.get("organization") or {}).get("id") or data.get("owner_org")) or {}
    municipality = catalogue.municipality_agent()
    return {
        "@type": "dcat:Dataset",
        "identifier": data.get("identifier") or dataset_uri(data),
        "title": data.get("title") or data["name"],
        "description": data.get("notes") or data.get("title") or data["name"],
        "keyword": _keywords(data),
        "modified": data.get("modified") or data.get("metadata_modified"),
        "publisher": _publisher(data, org, municipality),
        "contactPoint": _contact_point(data, org, municipality),
        "accessLevel": "public",
        "landingPage": data.get("url") or f"{tk.config.get('ckan.site_url', '').rstrip('/')}/dataset/{data['name']}",
    }


def _keywords(data: dict[str, Any]) -> list[str]:
    keywords = [t["name"] for t in data.get("tags") or []]
    if not keywords and data.get("sector"):
        keywords = [_label("sectors", data["sector"])]
    return keywords


def _publisher(data: dict[str, Any], org: dict[str, Any], municipality: dict[str, Any]) -> dict[str, Any]:
    return {
        "@type": "org:Organization",
        "name": org.get("title") or (data.get("organization") or {}).get("title") or municipality["name"],
        "subOrganizationOf": {"@type": "org:Organization", "name": municipality["name"]},
    }


def _contact_point(data: dict[str, Any], org: dict[str, Any], municipality: dict[str, Any]) -> dict[str, Any]:
    contact = (data.get("contact") or [{}])[0]
    return {
        "@type": "vcard:Contact",
        "fn": contact.get("name") or org.get("title") or municipality["name"],
        "hasEmail": "mailto:" + (contact.get("email") or municipality["email"]),
    }


def _spatial(data: dict[str, Any]) -> str | None:
    places = [p for p in data.get("spatial_coverage") or [] if isinstance(p, dict) and p.get("place")]
    if not places:
        return None
    return "; ".join(p.get("text") or _label("places", p["place"]) for p in places)


def _themes(data: dict[str, Any]) -> list[str]:
    themes = [_label("sectors", data["sector"])] if data.get("sector") else []
    themes += [g.get("title") or g["name"] for g in data.get("groups") or []]
    return themes


def _as_list(key: str) -> Callable[[dict[str, Any]], list[Any] | None]:
    def read(data: dict[str, Any]) -> list[Any] | None:
        return list(data[key]) if data.get(key) else None
    return read


#: the optional members of a POD dataset, in the order they are written, each with how it
#: is read from the dataset dict (a member is written when the value read is not empty)
_OPTIONAL: tuple[tuple[str, Callable[[dict[str, Any]], Any]], ...] = (
    ("issued", lambda d: d.get("issued")),
    ("license", lambda d: d.get("license_url")),
    ("spatial", _spatial),
    ("temporal", lambda d: temporal(d.get("temporal_coverage") or [])),
    ("accrualPeriodicity", lambda d: periodicity(d.get("frequency"))),
    ("language", _as_list("language")),
    ("theme", _themes),
    ("describedBy", lambda d: d.get("data_dictionary_url")),
    ("references", _as_list("documentation")),
    ("dataQuality", lambda d: bool(d.get("quality_notes"))),
)


def _distributions(data: dict[str, Any], out: dict[str, Any]) -> list[dict[str, Any]]:
    """The resources as distributions, each loaded one followed by its DataStore API; a data
    dictionary resource is the dataset's ``describedBy`` when the dataset names none."""
    distributions = []
    for res in data.get("resources") or []:
        distributions.append(_distribution(res))
        if res.get("resource_role") == "data_dictionary" and res.get("url"):
            out.setdefault("describedBy", res["url"])
        if api.is_loaded(res) and res.get("id"):
            distributions.append(api_distribution(res))
    return distributions


def _distribution(res: dict[str, Any]) -> dict[str, Any]:
    dist: dict[str, Any] = {"@type": "dcat:Distribution"}
    if res.get("name"):
        dist["title"] = res["name"]
    if res.get("description"):
        dist["description"] = res["description"]
    media = terms.media_type(res.get("mimetype"), res.get("format"))
    if res.get("url") and media:
        dist["downloadURL"] = res["url"]
        dist["mediaType"] = media
    elif res.get("url"):
        dist["accessURL"] = res["url"]
    if res.get("format"):
        dist["format"] = res["format"]
    return dist


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
        missing = [r.id for r, (_, state, _) in zip(chunk, found, strict=True) if state == cache.MISS]
        dicts = serialize.load_dicts(missing) if missing else {}
        out, fresh = [], []
        for r, (hit, state, stored), (_, ver) in zip(chunk, found, keys, strict=True):
            if state == cache.MISS:
                data = dicts.get(r.id)
                if data is None:
                    continue
                text = json.dumps(dataset(data), ensure_ascii=False)
                fresh.append((r.id, ver, "pod", text))
                stats["built"] = stats.get("built", 0) + 1
                entry_version = ver
            else:
                # a fresh or stale entry has both
                assert hit is not None
                assert stored is not None
                text, entry_version = hit, stored
                name = "cached" if state == cache.FRESH else "stale"
                stats[name] = stats.get(name, 0) + 1
            if served is not None:
                served.append(entry_version)
            out.append(text)
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
