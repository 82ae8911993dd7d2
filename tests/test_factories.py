"""The factories of tests/factories.py make what the site's schema accepts, as a user would see it
(the other test packages build on them)."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk

from tests.factories import SachDatasetFactory, dataset_payload
from tests.helpers import login

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _show(dataset_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})


def test_dataset_is_public_valid_and_listed(app: Any, sach_dataset: dict[str, Any]) -> None:
    shown = _show(sach_dataset["id"])
    assert shown["state"] == "active" and not shown["private"]
    assert shown["spatial_coverage"] == [{"place": "21119", "text": "Municipio de San Andrés Cholula"}]
    assert shown["organization"]["title"].startswith("Dependencia municipal")
    assert [r["format"] for r in shown["resources"]] == ["CSV"]
    page = app.get("/dataset/?q=" + sach_dataset["name"])
    assert sach_dataset["title"] in page.body


@pytest.mark.parametrize("sach_dataset__personal_data", ["public_by_law"])
@pytest.mark.parametrize("sach_dataset__personal_data_legal_basis", ["Art. 70 LGTAIP."])
def test_fixture_fields_can_be_overridden(sach_dataset: dict[str, Any]) -> None:
    assert _show(sach_dataset["id"])["personal_data"] == "public_by_law"


def test_complete_dataset_fills_every_optional_field() -> None:
    shown = _show(SachDatasetFactory(complete=True)["id"])
    for field in ("identifier", "documentation", "personal_data_legal_basis", "quality_notes"):
        assert shown[field], field
    assert [r.get("resource_role") for r in shown["resources"]] == ["data", "data", "data_dictionary"]


def test_resource_belongs_to_a_valid_dataset(sach_resource: dict[str, Any]) -> None:
    shown = _show(sach_resource["package_id"])
    assert sach_resource["id"] in [r["id"] for r in shown["resources"]]


def test_user_signs_in_through_the_form(app: Any, sach_user: dict[str, Any]) -> None:
    login(app, sach_user)
    assert sach_user["fullname"] in app.get("/dashboard/datasets").body


def test_payload_is_a_new_dict_each_time_and_creates_nothing(sach_dependencia: dict[str, Any]) -> None:
    first = dataset_payload(owner_org=sach_dependencia["id"], temporal_coverage=None)
    first["contact"][0]["email"] = "otro@sach.gob.mx"
    second = dataset_payload()
    assert "temporal_coverage" not in first and "owner_org" not in second
    assert second["contact"][0]["email"] == "tesoreria@sach.gob.mx"
    assert tk.get_action("package_search")({"ignore_auth": True}, {"q": "*:*"})["count"] == 0
    created = tk.get_action("package_create")({"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})[
        "name"]}, first)
    assert created["contact"] == [{"name": "Tesorería Municipal", "email": "otro@sach.gob.mx"}]
