"""DCAT endpoints of the site: the URLs ckanext-dcat offers, served with caching and stable paging.

``/catalog.{ttl,n3,rdf,xml,jsonld}``      a page of the catalogue (hydra paging)
``/catalog/full.{…}``                    the whole catalogue
``/dataset/<id>.{…}``                    one dataset
``/catalog/withdrawn.json``              datasets deleted or made private since a date
``/data.json``                           the catalogue as DCAT-US 1.1 (Project Open Data)
``Accept:`` negotiation on ``/`` and ``/dataset/<id>``

ckanext-dcat's own routes for the same URLs are switched off in configuration
(``ckanext.dcat.enable_rdf_endpoints = false``, ``ckanext.dcat.enable_content_negotiation
= false``) — its blueprint is registered first and would otherwise win.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, overload
from urllib.parse import urlencode

from flask import Blueprint, Response, request

import ckan.plugins.toolkit as tk

from ckanext.dcat.utils import catalog_uri, dataset_uri, parse_accept_header

from ckanext.sach import config as sach_config
from ckanext.sach.dcat import cache, catalogue, jobs, listing, pod, serialize

__all__ = ["get_blueprints"]

sach_dcat = Blueprint("sach_dcat", __name__)

_DATASET_PATH = re.compile(r"^/dataset/([^/.]+)/?$")
#: what a dataset id or name can be (CKAN names: 2–100 of a-z0-9-_; ids: UUIDs)
_DATASET_KEY = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def get_blueprints() -> list[Blueprint]:
    return [sach_dcat]


# ------------------------------------------------------------------ helpers
def _error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}, ensure_ascii=False), status=status,
                    mimetype="application/json")


def _check_format(fmt: str) -> str:
    if fmt not in serialize.FORMATS:
        raise listing.BadParameterError(
            f"formato desconocido {fmt!r}; use uno de: {', '.join(sorted(serialize.FORMATS))}")
    return fmt


def _rows_max() -> int:
    return int(tk.config.get("ckan.search.rows_max") or 1000)


@overload
def _http_date(value: dt.datetime) -> dt.datetime: ...
@overload
def _http_date(value: None) -> None: ...
def _http_date(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(microsecond=0, tzinfo=dt.UTC)


def _conditional(etag: str, last_modified: dt.datetime | None,
                 build: Callable[[], Response]) -> Response:
    """304 when the client's validators match, else the response ``build`` makes."""
    not_modified = False
    if request.if_none_match:
        not_modified = request.if_none_match.contains_weak(etag)
    elif request.if_modified_since and last_modified is not None:
        not_modified = _http_date(last_modified) <= request.if_modified_since
    response = Response(status=304) if not_modified else build()
    response.set_etag(etag, weak=True)
    if last_modified is not None:
        response.last_modified = _http_date(last_modified)
    response.cache_control.public = True
    response.cache_control.max_age = sach_config.dcat_max_age()
    response.vary.add("Accept")
    return response


def _digest(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, default=str, sort_keys=True).encode(), usedforsecurity=False).hexdigest()[:32]


def _last_activity() -> dt.datetime | None:
    """Latest withdrawal of a once-public dataset: deletions keep ``metadata_modified``, and
    activity of datasets that were never public must not show through the header."""
    return listing.last_withdrawal()


def _latest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _page_url(params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    base = catalog_uri().rstrip("/") + request.path
    return base + ("?" + urlencode(clean) if clean else "")


class Body:
    """A document built completely before the response is returned.

    Nothing is streamed: CKAN removes the request's database session before a
    streamed body runs, and a body that queried the database (cold entries read
    from the search index) then left its connection checked out, "idle in
    transaction". Building first keeps every query inside the request; cached
    entries make this cheap (cold ones are rare since the write-through jobs).
    """

    def __init__(self, version: str) -> None:
        self.version = version
        self.stats: dict[str, int] = {}
        self.served: list[str] = []
        self.text = ""

    def finish(self) -> None:
        cache.count(**self.stats)
        if self.stats.get("stale") or cache.ready_version() != self.version:
            jobs.ensure_rebuild_all(self.version)

    def last_modified(self, *values: dt.datetime | None) -> dt.datetime | None:
        """Latest of ``values`` and, once every entry served is of the current settings,
        when those settings were first served (so a client that saw the old entries
        by date sees the new ones as modified)."""
        extra = []
        if not self.stats.get("stale"):
            seen = cache.version_seen(self.version)
            if seen is not None:
                extra.append(dt.datetime.fromtimestamp(seen, dt.UTC).replace(tzinfo=None))
        return _latest(*values, *extra)

    def response(self, mimetype: str) -> Response:
        response = Response(self.text, mimetype=mimetype)
        response.headers["X-DCAT-Entries"] = (
            f"cached={self.stats.get('cached', 0)}, stale={self.stats.get('stale', 0)}, "
            f"built={self.stats.get('built', 0)}")
        return response


# -------------------------------------------------------------- catalogue
def _catalog_page(fmt: str) -> Response:
    args = request.args
    since = listing.parse_since(args.get("modified_since"))
    size = min(listing.parse_positive("page_size", args.get("page_size"), sach_config.dcat_page_size()),
               _rows_max())
    page = listing.parse_positive("page", args.get("page"), 1)
    cursor = args.get("cursor")
    after = listing.decode_cursor(cursor) if cursor else None

    count, latest, digest = listing.summary(since)
    last_page = max(1, math.ceil(count / size))
    if page > last_page:
        return _error(404, f"page: la página {page} no existe; el catálogo tiene {last_page} "
                           f"página(s) de {size} conjuntos de datos")
    if after is not None:
        rows = listing.rows(since=since, after=after, limit=size)
    else:
        rows = listing.rows(since=since, limit=size, offset=(page - 1) * size)

    version = catalogue.settings_version()
    keep = {"modified_since": args.get("modified_since"), "page_size": args.get("page_size")}
    paging: dict[str, Any] = {
        "count": count,
        "items_per_page": size,
        "current": _page_url({**keep, "page": page if page > 1 or cursor else None, "cursor": cursor}),
        "first": _page_url(keep),
        "last": _page_url({**keep, "page": last_page if last_page > 1 else None}),
    }
    if page > 1:
        paging["previous"] = _page_url({**keep, "page": page - 1 if page > 2 else None})
    if len(rows) == size and page < last_page:
        paging["next"] = _page_url({**keep, "page": page + 1, "cursor": listing.encode_cursor(rows[-1])})
    body = _rdf_body(fmt, rows, version, paging, latest)
    etag = _digest("page", version, fmt, since, size, page, cursor, count, digest,
                   [(r.id, r.metadata_modified) for r in rows], body.served)
    modified = body.last_modified(latest, _last_activity())
    return _conditional(etag, modified, lambda: body.response(serialize.FORMATS[fmt][1]))


def _rdf_body(fmt: str, rows: Iterable[listing.Row], version: str,
              paging: dict[str, Any] | None, latest: dt.datetime | None) -> Body:
    serializer = serialize.Serializer()
    catalog_dict = {"modified": latest.isoformat() if latest else None}
    head, catalog_ref = serialize.header(serializer, fmt, catalog_dict, paging, version)
    body = Body(version)
    parts = [head]
    jsonld = serialize.FORMATS[fmt][0] == "json-ld"
    shared = serialize.SharedNodes(fmt, version)
    for row, fragment in serialize.fragments(rows, fmt, version, serializer, stats=body.stats,
                                             stale=True, served=body.served):
        link = serialize.link(catalog_ref, dataset_uri({"id": row.id}), fmt)
        texts = [fragment.text, *shared.new(fragment)]
        if jsonld:
            parts.append(",\n" + link + "".join(",\n" + text for text in texts if text))
        else:
            parts.append(link + "".join(texts))
    parts.append(serialize.footer(fmt))
    body.text = "".join(parts)
    body.finish()
    return body


@sach_dcat.route("/catalog.<_format>")
def read_catalog(_format: str) -> Response:
    try:
        return _catalog_page(_check_format(_format))
    except listing.BadParameterError as e:
        return _error(400, str(e))


@sach_dcat.route("/catalog/full.<_format>")
def read_full_catalog(_format: str) -> Response:
    try:
        fmt = _check_format(_format)
        since = listing.parse_since(request.args.get("modified_since"))
    except listing.BadParameterError as e:
        return _error(400, str(e))
    count, latest, digest = listing.summary(since)
    version = catalogue.settings_version()
    body = _rdf_body(fmt, list(listing.iter_rows(since)), version, None, latest)
    etag = _digest("full", version, fmt, since, count, digest, body.served)
    return _conditional(etag, body.last_modified(latest, _last_activity()),
                        lambda: body.response(serialize.FORMATS[fmt][1]))


# ----------------------------------------------------------------- dataset
def _dataset_response(id_or_name: str, fmt: str) -> Response:
    row = listing.find(id_or_name) if _DATASET_KEY.match(id_or_name or "") else None
    if row is None:
        return _error(404, "Conjunto de datos no encontrado")
    version = catalogue.settings_version()
    serializer = serialize.Serializer()
    body = Body(version)
    fragment = next((f for _, f in serialize.fragments([row], fmt, version, serializer, stats=body.stats,
                                                       stale=True, served=body.served)), None)
    if fragment is None:
        return _error(404, "Conjunto de datos no encontrado")
    texts = [fragment.text, *serialize.SharedNodes(fmt, version).new(fragment)]
    body.text = wrap_dataset(serializer, fmt, serialize.joiner(fmt).join(text for text in texts if text))
    body.finish()
    etag = _digest("dataset", version, fmt, row.id, row.metadata_modified, body.served)
    return _conditional(etag, body.last_modified(row.metadata_modified),
                        lambda: body.response(serialize.FORMATS[fmt][1]))


def wrap_dataset(serializer: serialize.Serializer, fmt: str, fragment: str) -> str:
    kind = serialize.FORMATS[fmt][0]
    if kind == "turtle":
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in serializer.prefixes()) + "\n" + fragment
    if kind == "xml":
        attrs = "".join(f'\n   xmlns:{p}="{ns}"' for p, ns in serializer.prefixes() if p)
        return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{attrs}\n>\n{fragment}</rdf:RDF>\n'
    return "[\n" + fragment + "\n]\n"


@sach_dcat.route("/dataset/<_id>.<_format>")
def read_dataset(_id: str, _format: str) -> Response:
    try:
        fmt = _check_format(_format)
    except listing.BadParameterError as e:
        return _error(400, str(e))
    return _dataset_response(_id, fmt)


# --------------------------------------------------------------- withdrawn
@sach_dcat.route("/catalog/withdrawn.json")
def withdrawn() -> Response:
    value = request.args.get("since") or request.args.get("modified_since")
    if not value:
        return _error(400, "since: parámetro obligatorio (fecha ISO 8601)")
    try:
        since = listing.parse_since(value)
    except listing.BadParameterError as e:
        return _error(400, str(e).replace("modified_since", "since"))
    assert since is not None  # `value` is not empty: a date, or BadParameterError
    items = listing.withdrawn(since)
    for item in items:
        item["uri"] = dataset_uri({"id": item["id"]})
    body = {"since": since.isoformat(), "count": len(items), "datasets": items}
    etag = _digest("withdrawn", body)
    # the latest withdrawal listed; with none, the latest of the site (or the start of
    # the window): nothing this feed could list changed after it
    changed = [dt.datetime.fromisoformat(item["changed"]) for item in items]
    modified = _latest(*changed) or _last_activity() or since
    return _conditional(etag, modified, lambda: Response(json.dumps(body, ensure_ascii=False),
                                                         mimetype="application/json"))


# --------------------------------------------------------------- data.json
@sach_dcat.route("/data.json")
def data_json() -> Response:
    count, latest, digest = listing.summary(None)
    version = catalogue.settings_version()
    body = Body(version)
    body.text = "".join(pod.document(list(listing.iter_rows()), version, stats=body.stats,
                                     stale=True, served=body.served))
    body.finish()
    etag = _digest("pod", version, count, digest, body.served)
    return _conditional(etag, body.last_modified(latest, _last_activity()),
                        lambda: body.response("application/json"))


# ------------------------------------------------------- content negotiation
@sach_dcat.before_app_request
def negotiate() -> Response | None:
    if request.method != "GET" or not sach_config.dcat_content_negotiation():
        return None
    path = request.path
    match = _DATASET_PATH.match(path)
    if path != "/" and not match:
        return None
    fmt = parse_accept_header(request.headers.get("Accept", ""))
    if not fmt:
        return None
    try:
        # path == "/" when nothing matched
        return _catalog_page(fmt) if match is None else _dataset_response(match.group(1), fmt)
    except listing.BadParameterError as e:
        return _error(400, str(e))
