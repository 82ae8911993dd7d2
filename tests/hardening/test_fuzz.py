"""Fuzz tests: hostile payloads and parameters never get a 500, and never leave half-written data.

Bounded (a few hundred examples per target, derandomized so a failure reproduces);
``bench/fuzz.py`` runs thousands of the same requests.
"""
from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from . import fuzzing
from .fuzzing import base_dataset

SETTINGS = {"deadline": None, "derandomize": True, "database": None,
                "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large]}
_names = itertools.count()


@pytest.fixture
def site(with_plugins: Any, clean_db: Any, clean_index: Any) -> dict[str, Any]:
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    group = factories.Group()
    token = factories.APIToken(user=sysadmin["name"])["token"]
    data = base_dataset()
    data.update(name="fuzz-base", owner_org=org["id"])
    base = call_action("package_create", context={"user": sysadmin["name"]}, **data)
    return {"sysadmin": sysadmin, "org": org, "group": group, "token": token, "base": base}


def index_agrees_with_db() -> None:
    """Every dataset the database holds (active, private or draft) is indexed as it is stored,
    and the index holds nothing else."""
    model.Session.remove()
    stored = dict(model.Session.execute(sa.text(
        "SELECT id, title FROM package WHERE state IN ('active', 'draft')")).all())
    indexed = {row[0]: json.loads(row[1]).get("title") if isinstance(row[1], str) else (row[1] or {}).get("title")
               for row in model.Session.execute(sa.text("SELECT id, data_dict FROM sach_search_doc")).all()}
    assert set(indexed) == set(stored), (set(indexed) ^ set(stored))
    for pkg_id, title in stored.items():
        assert indexed[pkg_id] == title, pkg_id


def _post(app: Any, token: str, action: str, body: Any) -> Any:
    return app.post(f"/api/3/action/{action}", data=json.dumps(body),
                    headers={"Authorization": token, "Content-Type": "application/json"})


@pytest.mark.usefixtures("site")
def test_fuzzed_package_create_never_500_never_half_written(app: Any, site: dict[str, Any]) -> None:
    base = base_dataset()
    base["owner_org"] = site["org"]["id"]

    @settings(max_examples=200, **SETTINGS)
    @given(fuzzing.dataset_payload(base), st.booleans())
    def check(payload: dict[str, Any], fresh_name: bool) -> None:
        if fresh_name or not isinstance(payload.get("name"), str):
            payload.setdefault("name", None)
            if fresh_name:
                payload["name"] = f"fuzz-{next(_names)}"
        before = model.Session.query(model.Package.id).count()
        res = _post(app, site["token"], "package_create", payload)
        assert res.status_code < 500, (payload, res.body[:500])
        model.Session.remove()
        after = model.Session.query(model.Package.id).count()
        if res.status_code == 200:
            assert after == before + 1
            stored = model.Package.get(res.json["result"]["id"])
            assert stored is not None and stored.title == res.json["result"]["title"]
        else:
            assert res.status_code in (400, 403, 404, 409), res.status_code
            assert "error" in res.json or res.json.get("success") is False
            assert after == before, payload
        index_agrees_with_db()

    check()


def test_fuzzed_package_update_and_patch_never_500_never_half_written(app: Any, site: dict[str, Any]) -> None:
    base = base_dataset()
    base.update(id=site["base"]["id"], name=site["base"]["name"], owner_org=site["org"]["id"])

    @settings(max_examples=200, **SETTINGS)
    @given(fuzzing.dataset_payload(base), st.sampled_from(["package_update", "package_patch"]))
    def check(payload: dict[str, Any], action: str) -> None:
        model.Session.remove()
        before = model.Session.execute(sa.text("SELECT name, title, metadata_modified FROM package WHERE id = :id"),
                                       {"id": site["base"]["id"]}).first()
        res = _post(app, site["token"], action, payload)
        assert res.status_code < 500, (action, payload, res.body[:500])
        model.Session.remove()
        after = model.Session.execute(sa.text("SELECT name, title, metadata_modified FROM package WHERE id = :id"),
                                      {"id": site["base"]["id"]}).first()
        if res.status_code != 200:
            assert tuple(after) == tuple(before), (action, payload)
        index_agrees_with_db()
        if after.name != base["name"]:  # a successful rename: later examples keep the original name
            call_action("package_patch", context={"user": site["sysadmin"]["name"]},
                        id=site["base"]["id"], name=base["name"])

    check()


def test_fuzzed_refs_of_show_and_delete_never_500(app: Any, site: dict[str, Any]) -> None:
    @settings(max_examples=150, **SETTINGS)
    @given(st.sampled_from(["package_show", "package_delete", "package_activity_list", "member_list",
                            "tag_show", "organization_show", "group_show"]),
           st.sampled_from(["id", "name_or_id", "object_type", "q"]), fuzzing.JSON)
    def check(action: str, key: str, value: Any) -> None:
        res = _post(app, site["token"], action, {key: value})
        assert res.status_code < 500, (action, key, value, res.body[:500])

    check()
    assert model.Package.get(site["base"]["id"]).state == "active"


@pytest.mark.usefixtures("site")
def test_fuzzed_microsite_and_project_views_never_500(app: Any) -> None:
    @settings(max_examples=300, **SETTINGS)
    @given(st.sampled_from(fuzzing.MICROSITE_PATHS), fuzzing.QUERY)
    def check(path: str, params: list[tuple[str, str]]) -> None:
        url = path + ("?" + urlencode(params) if params else "")
        res = app.get(url)
        assert res.status_code < 500, (url, res.body[:300])

    check()


def test_fuzzed_dataset_ids_of_project_views_never_500(app: Any, site: dict[str, Any]) -> None:
    @settings(max_examples=200, **SETTINGS)
    @given(st.one_of(fuzzing.NASTY_TEXT, st.text(min_size=1, max_size=30)),
           st.sampled_from(["ttl", "jsonld", "rdf", "xml", "n3", "json", "csv", "x\x00"]),
           st.sampled_from(["/dataset/{id}.{fmt}", "/dataset/{id}/datos-personales", "/dataset/{id}/publicar",
                            "/gobierno-abierto/participacion?dataset={id}", "/dataset/{id}"]))
    def check(ident: str, fmt: str, pattern: str) -> None:
        from urllib.parse import quote

        url = pattern.format(id=quote(ident, safe=""), fmt=quote(fmt, safe=""))
        res = app.get(url, headers={"Authorization": site["token"]})
        assert res.status_code < 500, (url, res.body[:300])

    check()


def test_fuzzed_web_search_page_never_500(app: Any, site: dict[str, Any]) -> None:
    """The catalogue's search page and the dependencia/tema pages (core views on this backend)."""
    paths = ["/dataset/", f"/organization/{site['org']['name']}", f"/group/{site['group']['name']}",
             "/feeds/custom.atom", "/api/3/action/package_search"]

    @settings(max_examples=300, **SETTINGS)
    @given(st.sampled_from(paths), fuzzing.QUERY)
    def check(path: str, params: list[tuple[str, str]]) -> None:
        url = path + ("?" + urlencode(params) if params else "")
        res = app.get(url)
        assert res.status_code < 500, (url, res.body[:300])

    check()


_SEARCH_TEXT = st.one_of(
    fuzzing.NASTY_TEXT,
    st.lists(st.sampled_from(["presupuesto", "AND", "OR", "NOT", "+", "-", "(", ")", '"', "'", ":", "\\",
                              "*", "?", "[", "]", "{", "}", "^", "~", "/", "!", "<", ">", "title:", "tags:",
                              "name:", "metadata_modified:[NOW-1DAY TO NOW]", "asc", "desc", ",", " ", "score",
                              "foo"]),
             max_size=8).map("".join),
    st.text(max_size=15),
)
SEARCH_QUERY = st.lists(st.tuples(
    st.sampled_from(["q", "sort", "page", "fq", "rows", "start", "mm", "defType", "include_private",
                     "include_drafts", "facet.limit", "facet.field", "facet.mincount", "fl", "tags",
                     "res_format", "organization", "groups", "license_id", "ext_bbox"]),
    _SEARCH_TEXT), max_size=4)


def test_fuzzed_search_params_of_core_search_views_never_500(app: Any, site: dict[str, Any]) -> None:
    """Search parameters (Solr syntax, repeated keys, blanks) on CKAN's search views and API."""
    paths = ["/dataset/", f"/organization/{site['org']['name']}", f"/group/{site['group']['name']}",
             "/feeds/custom.atom", "/feeds/dataset.atom", "/api/3/action/package_search"]

    @settings(max_examples=300, **SETTINGS)
    @given(st.sampled_from(paths), SEARCH_QUERY)
    def check(path: str, params: list[tuple[str, str]]) -> None:
        url = path + ("?" + urlencode(params) if params else "")
        res = app.get(url)
        assert res.status_code < 500, (url, res.body[:300])
        if res.status_code >= 400 and path.startswith("/api/"):
            assert res.json["success"] is False and res.json["error"], url

    check()


def test_a_dataset_state_outside_active_draft_deleted_is_refused(app: Any, site: dict[str, Any]) -> None:
    for action in ("package_patch", "package_update"):
        payload = dict(base_dataset(), id=site["base"]["id"], name=site["base"]["name"],
                       owner_org=site["org"]["id"], state="-3.87e+16") if action == "package_update" \
            else {"id": site["base"]["id"], "state": "publicado"}
        res = _post(app, site["token"], action, payload)
        assert res.status_code == 409, (action, res.status_code)
        assert "Estado no válido" in res.json["error"]["state"][0]
    assert model.Package.get(site["base"]["id"]).state == "active"
    index_agrees_with_db()
