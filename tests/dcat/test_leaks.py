"""Private, draft and deleted datasets never appear in any DCAT or data.json output,
whoever asks (anonymous, a member of the dependencia, a sysadmin)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins")

LISTINGS = [
    "/catalog.ttl", "/catalog.rdf", "/catalog.xml", "/catalog.jsonld", "/catalog.n3",
    "/catalog/full.ttl", "/catalog/full.xml", "/catalog/full.jsonld",
    "/catalog.ttl?modified_since=2000-01-01", "/catalog.ttl?page_size=1&page=2",
    "/data.json",
]


def _who(catalogue: dict[str, Any], who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    user = catalogue["member"] if who == "member" else catalogue["sysadmin"]
    return {"Authorization": call_action("api_token_create", context={"user": user["name"]},
                                         user=user["name"], name="dcat-leaks")["token"]}


def _markers(dataset: dict[str, Any]) -> list[str]:
    return [dataset["id"], dataset["name"], dataset["title"]]


@pytest.mark.parametrize("who", ["anonymous", "member", "sysadmin"])
def test_listings_never_show_hidden_datasets(app: Any, catalogue: dict[str, Any], who: str) -> None:
    headers = _who(catalogue, who)
    # the member really can see the private dataset in CKAN itself
    if who != "anonymous":
        shown = app.get(f"/api/3/action/package_show?id={catalogue['private']['id']}", headers=headers)
        assert shown.status_code == 200
    for url in LISTINGS:
        body = app.get(url, headers=headers).body
        assert catalogue["public"][0]["title"] in body or "page=2" in url, url
        for hidden in catalogue["hidden"]:
            for marker in _markers(hidden):
                assert marker not in body, (who, url, marker)


@pytest.mark.parametrize("who", ["anonymous", "member", "sysadmin"])
def test_dataset_endpoint_hides_hidden_datasets(app: Any, catalogue: dict[str, Any], who: str) -> None:
    headers = _who(catalogue, who)
    for fmt in ("ttl", "rdf", "xml", "jsonld", "n3"):
        for hidden in catalogue["hidden"]:
            for key in (hidden["id"], hidden["name"]):
                response = app.get(f"/dataset/{key}.{fmt}", headers=headers)
                assert response.status_code == 404, (who, key, fmt)
                assert hidden["title"] not in response.body


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_content_negotiation_hides_hidden_datasets(app: Any, catalogue: dict[str, Any], who: str) -> None:
    headers = {**_who(catalogue, who), "Accept": "text/turtle"}
    for hidden in catalogue["hidden"]:
        response = app.get(f"/dataset/{hidden['name']}", headers=headers)
        assert response.status_code == 404
        assert hidden["title"] not in response.body
    home = app.get("/", headers=headers).body
    for hidden in catalogue["hidden"]:
        assert hidden["name"] not in home


def test_dataset_made_private_leaves_every_output(app: Any, catalogue: dict[str, Any]) -> None:
    target = catalogue["public"][1]
    assert target["name"] in app.get("/catalog/full.ttl").body  # cached now
    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]}, id=target["id"], private=True)
    for url in [*LISTINGS, f"/dataset/{target['name']}.ttl"]:
        assert target["name"] not in app.get(url).body, url


def test_withdrawn_feed(app: Any, catalogue: dict[str, Any]) -> None:
    since = (dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=1)).isoformat()
    made_private = catalogue["public"][1]
    call_action("package_patch", context={"user": catalogue["sysadmin"]["name"]}, id=made_private["id"],
                private=True)
    body = json.loads(app.get(f"/catalog/withdrawn.json?since={since}").body)
    found = {d["name"]: d for d in body["datasets"]}
    assert found[catalogue["deleted"]["name"]]["status"] == "deleted"
    assert found[made_private["name"]]["status"] == "private"
    assert found[made_private["name"]]["uri"].endswith("/dataset/" + made_private["id"])
    # never-published datasets are not revealed
    assert catalogue["private"]["name"] not in found
    assert catalogue["draft"]["name"] not in found
    # public datasets are not withdrawn
    assert catalogue["public"][0]["name"] not in found

    future = (dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)).isoformat()
    assert json.loads(app.get(f"/catalog/withdrawn.json?since={future}").body)["datasets"] == []


@pytest.mark.parametrize("who", ["anonymous", "member", "sysadmin"])
def test_ckanext_dcat_api_actions_follow_the_same_rules(app: Any, catalogue: dict[str, Any], who: str) -> None:
    headers = _who(catalogue, who)
    for hidden in catalogue["hidden"]:
        response = app.get(f"/api/3/action/dcat_dataset_show?id={hidden['id']}&format=ttl", headers=headers)
        assert response.status_code == 404, (who, hidden["name"])
    shown = app.get("/api/3/action/dcat_catalog_show?format=ttl", headers=headers)
    assert shown.status_code == 200
    for hidden in catalogue["hidden"]:
        assert hidden["id"] not in shown.body
