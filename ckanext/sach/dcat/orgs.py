"""Organization (dependencia) details for the creator agent, loaded in one query.

Within a request the table is kept on ``flask.g``; outside one (CLI, benchmark,
unit tests) in a module cache that :func:`clear` empties (called on organization
updates).
"""
from __future__ import annotations

from typing import Any

import flask
from sqlalchemy import text as sa_text

from ckan import model

from ckanext.dcat.utils import catalog_uri

#: outside a request, the table under the key "table" (emptied by :func:`clear`)
_process_cache: dict[str, dict[str, dict[str, Any]]] = {}

ORG_TYPES = {
    "dependencia": "http://purl.org/adms/publishertype/LocalAuthority",
    "organismo": "http://purl.org/adms/publishertype/LocalAuthority",
    "junta_auxiliar": "http://purl.org/adms/publishertype/LocalAuthority",
}


def _load() -> dict[str, dict[str, Any]]:
    rows = model.Session.execute(
        sa_text(
            """
            SELECT g.id, g.name, g.title, g.description, g.extras
            FROM "group" g WHERE g.is_organization AND g.state = 'active'
            """
        )
    ).fetchall()
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        org = {"id": row[0], "name": row[1], "title": row[2], "description": row[3]}
        org.update(row[4] or {})
        table[row[0]] = org
        table[row[1]] = org
    return table


def all_orgs() -> dict[str, dict[str, Any]]:
    if flask.has_request_context():
        table = flask.g.get("sach_dcat_orgs")
        if table is None:
            table = flask.g.sach_dcat_orgs = _load()
        return table
    table = _process_cache.get("table")
    if table is None:
        table = _process_cache["table"] = _load()
    return table


def lookup(org_id: str | None) -> dict[str, Any] | None:
    if not org_id:
        return None
    return all_orgs().get(org_id)


def clear() -> None:
    _process_cache.clear()
    if flask.has_request_context():
        flask.g.pop("sach_dcat_orgs", None)


def uri(org: dict[str, Any]) -> str:
    return f"{catalog_uri().rstrip('/')}/organization/{org['name']}"


def agent(org: dict[str, Any]) -> dict[str, Any]:
    return {
        "uri": uri(org),
        "name": org.get("title") or org["name"],
        "email": org.get("email") or "",
        "url": org.get("website") or "",
        "type": ORG_TYPES.get(org.get("org_type") or "", ORG_TYPES["dependencia"]),
        "identifier": org.get("acronym") or "",
    }
