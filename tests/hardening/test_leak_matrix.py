"""The leak matrix: role × endpoint returning dataset data × hidden dataset: 0 leaks.

One dependencia (``org``) owns a public dataset and four hidden ones: private, draft
(created by a sysadmin, so only they may see it), deleted after being public, and made
private after being public (its activities were recorded while public). Each hidden
dataset has markers (id, name, a title word and a tag of its own) that must not appear
in any answer to a role that may not see it. Each role calls every endpoint with its API
token (pages too: CKAN identifies the user by the token on every request).
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.helpers import sysadmin_context

from .fuzzing import base_dataset

ROLES = ("anonymous", "registered", "other_member", "editor", "sysadmin")
HIDDEN = ("private", "draft", "deleted", "made_private")
# which hidden datasets each role may see (drafts: only their creator, the sysadmin)
MAY_SEE = {
    "anonymous": set(), "registered": set(), "other_member": set(),
    "editor": {"private", "made_private"},
    "sysadmin": set(HIDDEN),
}


def _dataset(org: dict[str, Any], kind: str, **fields: Any) -> dict[str, Any]:
    data = base_dataset()
    word = f"marca{kind.replace('_', '')}"
    data.update(name=f"oculto-{kind.replace('_', '-')}", title=f"Conjunto {word} de prueba",
                owner_org=org["id"], tag_string=f"etiqueta-{kind.replace('_', '-')},comun", **fields)
    data["resources"] = [dict(data["resources"][0], name=f"Recurso {word}")]
    return call_action("package_create", context=sysadmin_context(), **data)


@pytest.fixture
def world(with_plugins: Any, clean_db: Any, clean_index: Any) -> dict[str, Any]:
    # activities are recorded by the activity plugin's signal subscriptions; after earlier tests
    # reloaded the plugins they are not always connected again: connect them (idempotent in blinker)
    from ckanext.activity.subscriptions import get_subscriptions

    for signal, subscriptions in get_subscriptions().items():
        for sub in subscriptions:
            signal.connect(sub["receiver"], sender=sub["sender"]) if isinstance(sub, dict) else signal.connect(sub)
    sysadmin = factories.Sysadmin()
    editor, other, registered = factories.User(), factories.User(), factories.User()
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    other_org = factories.Organization(users=[{"name": other["name"], "capacity": "member"}])
    group = factories.Group()
    ctx = {"user": sysadmin["name"]}
    datasets: dict[str, dict[str, Any]] = {"public": _dataset(org, "public")}
    datasets["private"] = _dataset(org, "private", private=True)
    datasets["draft"] = _dataset(org, "draft", state="draft")
    datasets["deleted"] = _dataset(org, "deleted")
    datasets["made_private"] = _dataset(org, "made_private")
    for d in datasets.values():
        call_action("member_create", context=dict(ctx), id=group["id"], object=d["id"],
                    object_type="package", capacity="public")
    call_action("package_patch", context=dict(ctx), id=datasets["deleted"]["id"], notes="Cambio público.")
    call_action("package_delete", context=dict(ctx), id=datasets["deleted"]["id"])
    call_action("package_patch", context=dict(ctx), id=datasets["made_private"]["id"], notes="Cambio público.")
    call_action("package_patch", context=dict(ctx), id=datasets["made_private"]["id"], private=True)
    tokens = {"anonymous": None}
    for role, user in (("registered", registered), ("other_member", other), ("editor", editor),
                       ("sysadmin", sysadmin)):
        tokens[role] = factories.APIToken(user=user["name"])["token"]
    markers = {kind: [d["id"], d["name"], f"marca{kind.replace('_', '')}", f"etiqueta-{kind.replace('_', '-')}"]
               for kind, d in datasets.items()}
    return {"org": org, "other_org": other_org, "group": group, "datasets": datasets, "tokens": tokens,
            "markers": markers, "users": {"sysadmin": sysadmin, "editor": editor}}


def _endpoints(world: dict[str, Any]) -> list[tuple[str, bool]]:
    """(url, is_about_one_hidden_dataset_named_in_url)."""
    org, group = world["org"]["name"], world["group"]["name"]
    sysadmin = world["users"]["sysadmin"]["name"]
    api = "/api/3/action/"
    urls: list[tuple[str, bool]] = [(api + u, False) for u in (
        "package_search?q=&rows=1000&include_private=true&include_drafts=true&include_deleted=true",
        "package_search?q=marcaprivate%20OR%20marcadraft%20OR%20marcadeleted%20OR%20marcamadeprivate&include_private=true",
        "package_search?fq=tags:etiqueta-private&include_private=true",
        "package_list", "current_package_list_with_resources?limit=100",
        "tag_list", "tag_list?all_fields=true", "tag_list?query=etiqueta",
        "tag_autocomplete?query=etiqueta", "tag_search?query=etiqueta",
        "package_autocomplete?q=conjunto&limit=100", "package_autocomplete?q=marca&limit=100",
        f"organization_show?id={org}&include_datasets=true", f"group_show?id={group}&include_datasets=true",
        f"group_package_show?id={group}&limit=100",
        f"member_list?id={org}", f"member_list?id={org}&object_type=package", f"member_list?id={group}",
        f"organization_activity_list?id={org}&limit=100", f"group_activity_list?id={group}&limit=100",
        f"user_activity_list?id={sysadmin}&limit=100", "recently_changed_packages_activity_list?limit=100",
        "dashboard_activity_list?limit=100",
        "resource_search?query=name:Recurso",
    )]
    urls += [(u, False) for u in (
        "/dataset/", "/dataset/?q=marcaprivate", "/dataset/?tags=etiqueta-private", f"/organization/{org}",
        f"/group/{group}", f"/organization/activity/{org}", f"/group/activity/{group}",
        f"/user/activity/{sysadmin}", "/dashboard/", "/feeds/dataset.atom", f"/feeds/organization/{org}.atom",
        f"/feeds/group/{group}.atom", "/feeds/tag/etiqueta-private.atom", "/feeds/custom.atom?q=marcaprivate",
        "/catalog.ttl", "/catalog/full.ttl", "/catalog.jsonld", "/data.json",
        "/api/2/util/tag/autocomplete?incomplete=etiqueta", "/api/2/util/dataset/autocomplete?incomplete=marca",
        "/gobierno-abierto/datos-abiertos", "/",
    )]
    for kind in HIDDEN:
        d = world["datasets"][kind]
        for ref in (d["name"], d["id"]):
            urls += [(api + f"package_show?id={ref}", True), (api + f"package_activity_list?id={ref}", True),
                     (f"/dataset/{ref}", True), (f"/dataset/activity/{ref}", True), (f"/dataset/{ref}.ttl", True),
                     (f"/dataset/{ref}.jsonld", True)]
        urls.append((api + f"tag_show?id=etiqueta-{kind.replace('_', '-')}&include_datasets=true", True))
    return urls


def _leaks(world: dict[str, Any], role: str, url: str, body: str, named: bool) -> list[str]:
    found = []
    text = body.lower()
    for kind in HIDDEN:
        if kind in MAY_SEE[role]:
            continue
        for marker in world["markers"][kind]:
            if marker.lower() in url.lower():
                continue  # pages echo their own URL and query (search box, language links)
            if marker.lower() in text:
                found.append(f"{kind}:{marker}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_hidden_dataset_leaks(app: Any, world: dict[str, Any], role: str) -> None:
    token = world["tokens"][role]
    headers = {"Authorization": token} if token else {}
    leaks: dict[str, list[str]] = {}
    errors: dict[str, int] = {}
    for url, named in _endpoints(world):
        res = app.get(url, headers=headers)
        if res.status_code >= 500:
            errors[url] = res.status_code
        found = _leaks(world, role, url, res.body, named)
        if found:
            leaks[url] = found
    assert not errors, errors
    assert not leaks, json.dumps(leaks, indent=1)


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_sees_what_a_role_may_see(app: Any, world: dict[str, Any], role: str) -> None:
    """Controls: the checks above can find markers (public for everyone, hidden for who may see them)."""
    token = world["tokens"][role]
    headers = {"Authorization": token} if token else {}
    res = app.get("/api/3/action/package_search?q=&rows=1000&include_private=true&include_drafts=true",
                  headers=headers)
    names = {d["name"] for d in res.json["result"]["results"]}
    assert world["datasets"]["public"]["name"] in names
    tags = app.get("/api/3/action/tag_list", headers=headers).json["result"]
    assert "etiqueta-public" in tags
    for kind in MAY_SEE[role] - {"deleted", "draft"}:
        assert world["datasets"][kind]["name"] in names
        assert f"etiqueta-{kind.replace('_', '-')}" in tags
    public_id = world["datasets"]["public"]["id"]
    activities = app.get(f"/api/3/action/package_activity_list?id={public_id}", headers=headers).json["result"]
    assert activities and {a["object_id"] for a in activities} == {public_id}
    for kind in MAY_SEE[role] - {"draft"}:
        pkg_id = world["datasets"][kind]["id"]
        res = app.get(f"/api/3/action/package_activity_list?id={pkg_id}", headers=headers)
        assert res.status_code == 200, (kind, res.body[:300])
        assert {a["object_id"] for a in res.json["result"]} == {pkg_id}, kind
