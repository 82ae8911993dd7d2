"""Round trip: the site's own RDF, parsed by ckanext-dcat's RDFParser with the same
profiles, gives back every field of the municipal schema."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests.helpers import call_action

from ckanext.dcat.processors import RDFParser

pytestmark = pytest.mark.usefixtures("with_plugins")

PROFILES = ["euro_dcat_ap_3", "sach_dcat_ap"]
RDF_FORMATS = {"ttl": "turtle", "xml": "xml", "jsonld": "json-ld"}


def _schema_fields() -> tuple[list[str], list[str]]:
    schema = call_action("scheming_dataset_schema_show", type="dataset")
    dataset = [f["field_name"] for f in schema["dataset_fields"]]
    resource = [f["field_name"] for f in schema["resource_fields"]]
    return dataset, resource


def _norm_dataset(d: dict[str, Any], field: str) -> Any:
    value = d.get(field)
    if field == "owner_org":
        if d.get("organization"):
            return d["organization"]["name"]
        return value
    if field == "tag_string":
        return sorted(t["name"] for t in d.get("tags") or [])
    if field == "contact":
        return [{"name": c.get("name"), "email": c.get("email")} for c in value or []]
    if field == "spatial_coverage":
        return sorted((p.get("place"), p.get("text")) for p in value or [])
    if field == "temporal_coverage":
        return sorted((t.get("start"), t.get("end")) for t in value or [])
    if field in ("language", "transparency_obligations", "documentation"):
        return sorted(value or [])
    if field == "groups":
        return sorted(g["name"] for g in value or [])
    return value or None


def _norm_resource(r: dict[str, Any], field: str) -> Any:
    value = r.get(field)
    if field == "size":
        return int(value) if value not in (None, "") else None
    return value or None


def _parse(body: str, fmt: str) -> list[dict[str, Any]]:
    parser = RDFParser(profiles=PROFILES)
    parser.parse(body, _format=RDF_FORMATS[fmt])
    return list(parser.datasets())


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_every_schema_field_comes_back(app: Any, catalogue: dict[str, Any], fmt: str) -> None:
    dataset_fields, resource_fields = _schema_fields()
    body = app.get(f"/catalog/full.{fmt}").body
    parsed = {d["name"]: d for d in _parse(body, fmt)}
    assert sorted(parsed) == sorted(d["name"] for d in catalogue["public"])

    for created in catalogue["public"]:
        original = call_action("package_show", id=created["id"])
        back = parsed[original["name"]]
        back.setdefault("groups", back.get("groups") or [])
        for field in [*dataset_fields, "groups"]:
            assert _norm_dataset(back, field) == _norm_dataset(original, field), (original["name"], field)

        by_url = {r["url"]: r for r in back["resources"]}
        assert len(by_url) == len(original["resources"])
        for res in original["resources"]:
            got = by_url[res["url"]]
            for field in resource_fields:
                assert _norm_resource(got, field) == _norm_resource(res, field), (res["name"], field)


def test_single_dataset_endpoint_round_trips(app: Any, catalogue: dict[str, Any]) -> None:
    original = call_action("package_show", id="presupuesto-2024")
    [back] = _parse(app.get("/dataset/presupuesto-2024.ttl").body, "ttl")
    for field in ("title", "notes", "frequency", "language", "sector", "spatial_coverage",
                  "transparency_obligations", "data_dictionary_url", "personal_data", "license_id"):
        assert _norm_dataset(back, field) == _norm_dataset(original, field), field
