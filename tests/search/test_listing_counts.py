"""The listing (`*:*` with only CKAN's visibility filters) counts and facets from the tally table
(`sach_search_tally`), not from the documents: its figures must stay those of the datasets each
user can list, through creates, edits, privacy changes, drafts, deletions, a rebuild and the
compaction of the tally's deltas — for an anonymous visitor, an editor of one organization and a
sysadmin. Each count is checked against the datasets the same search lists (all of them on one
page) and each facet against the values those listed datasets carry."""
from __future__ import annotations

import collections
import json
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search
from ckan.tests import factories

from tests.factories import dataset_payload

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

API = "/api/3/action/package_search"
FACETS = ["organization", "tags", "res_format", "license_id", "groups"]


@pytest.fixture
def site(app: Any) -> dict[str, Any]:
    sysadmin = factories.Sysadmin()
    editor = factories.User(name="editora")
    orgs = {
        "tesoreria": factories.Organization(
            name="tesoreria", users=[{"name": editor["name"], "capacity": "editor"}]),
        "dif": factories.Organization(name="dif"),
    }
    factories.Group(name="finanzas")
    return {
        "sysadmin": sysadmin, "editor": editor, "orgs": orgs,
        "headers": {
            "anonymous": {},
            "editor": {"Authorization": factories.APIToken(user=editor["name"])["token"]},
            "sysadmin": {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]},
        },
    }


def _create(site: dict[str, Any], name: str, org: str, user: str = "sysadmin",
            **fields: Any) -> dict[str, Any]:
    data = dataset_payload(name=name, owner_org=site["orgs"][org]["id"], **fields)
    return tk.get_action("package_create")({"user": site[user]["name"]}, data)


def _patch(site: dict[str, Any], name: str, **fields: Any) -> None:
    tk.get_action("package_patch")({"user": site["sysadmin"]["name"]}, {"id": name, **fields})


def _listing(app: Any, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    query = {"q": "*:*", "rows": 1000, "facet.field": json.dumps(FACETS), "facet.limit": -1,
             **params}
    response = app.get(API, query_string=query, headers=headers)
    assert response.status_code == 200, response.body
    return response.json["result"]


def _carried(dataset: dict[str, Any], field: str) -> set[str]:
    if field == "organization":
        return {dataset["organization"]["name"]} if dataset.get("organization") else set()
    if field == "tags":
        return {t["name"] for t in dataset["tags"]}
    if field == "groups":
        return {g["name"] for g in dataset["groups"]}
    if field == "res_format":
        return {r["format"] for r in dataset["resources"] if r.get("format")}
    return {dataset[field]} if dataset.get(field) else set()


def _check(app: Any, site: dict[str, Any]) -> dict[str, set[str]]:
    """Every user's listing (with and without private datasets and drafts) counts what it
    lists, and each facet value counts the listed datasets that carry it. Returns the names each
    user lists with private datasets included."""
    seen = {}
    for who, headers in site["headers"].items():
        for params in ({}, {"include_private": True}, {"include_private": True,
                                                        "include_drafts": True}):
            result = _listing(app, headers, **params)
            listed = result["results"]
            assert result["count"] == len(listed), (who, params)
            for field in FACETS:
                expected = collections.Counter(v for d in listed for v in _carried(d, field))
                found = {i["name"]: i["count"] for i in result["search_facets"][field]["items"]}
                assert found == dict(expected), (who, params, field)
            if params == {"include_private": True}:
                seen[who] = {d["name"] for d in listed}
    return seen


def test_listing_counts_follow_every_kind_of_write(app: Any, site: dict[str, Any]) -> None:
    _create(site, "egresos", "tesoreria", tag_string="presupuesto,egresos",
            groups=[{"name": "finanzas"}])
    _create(site, "ingresos", "tesoreria", tag_string="ingresos")
    _create(site, "consultas", "dif", tag_string="salud", license_id="cc-zero")
    _create(site, "proveedores", "tesoreria", private=True, tag_string="presupuesto")
    _create(site, "expedientes", "dif", private=True, tag_string="salud")
    _create(site, "borrador", "tesoreria", user="editor", tag_string="borrador")
    _patch(site, "borrador", state="draft")
    seen = _check(app, site)
    assert seen["anonymous"] == {"egresos", "ingresos", "consultas"}
    assert seen["editor"] == seen["anonymous"] | {"proveedores"}
    assert seen["sysadmin"] == seen["editor"] | {"expedientes"}

    _patch(site, "ingresos", tag_string="ingresos,presupuesto", owner_org=site["orgs"]["dif"]["id"])
    _patch(site, "consultas", private=True)
    _patch(site, "proveedores", private=False)
    tk.get_action("package_delete")({"user": site["sysadmin"]["name"]}, {"id": "egresos"})
    seen = _check(app, site)
    assert seen["anonymous"] == {"ingresos", "proveedores"}
    assert seen["editor"] == {"ingresos", "proveedores"}
    assert "consultas" in seen["sysadmin"]

    # A rebuild (every document written again) and a compaction of the deltas change nothing.
    search.rebuild()
    before = _check(app, site)
    model.Session.execute(sa.text("SELECT sach_search_tally_compact()"))
    model.Session.commit()
    rows = model.Session.execute(
        sa.text("SELECT count(*), count(*) FILTER (WHERE n < 0) FROM sach_search_tally")
    ).one()
    assert rows[1] == 0  # only folded, positive counts remain
    assert _check(app, site) == before

