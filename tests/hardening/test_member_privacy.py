"""Who works in which dependencia, and with which role, is not public: the member list of an
organization or tema (user accounts and their capacity) is shown only to its own members and to
sysadmins — on the page, in ``member_list`` and in ``organization_show``/``group_show``. The
datasets of a dependencia stay public as before."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

from tests.factories import dataset_of
from tests.helpers import PASSWORD, login

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def org_with_editor() -> tuple[dict[str, Any], dict[str, Any]]:
    editor = factories.User(name="funcionaria-tesoreria", password=PASSWORD)
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    return org, editor


def _api(app: Any, action: str, params: dict[str, Any], user: dict[str, Any] | None = None) -> Any:
    headers = {}
    if user is not None:
        headers["Authorization"] = factories.APIToken(user=user["name"])["token"]
    return app.get(f"/api/3/action/{action}", query_string=params, headers=headers)


def test_anonymous_visitors_do_not_see_who_works_in_a_dependencia(app: Any, org_with_editor) -> None:
    org, editor = org_with_editor
    page = app.get(f"/organization/members/{org['name']}")
    assert page.status_code in (403, 404), page.status_code
    assert editor["name"] not in page.body

    listed = _api(app, "member_list", {"id": org["id"], "object_type": "user"})
    assert listed.status_code == 403, listed.status_code
    assert editor["name"] not in listed.body

    # every object type at once (the default) would list the users too
    everything = _api(app, "member_list", {"id": org["id"]})
    assert everything.status_code == 403, everything.status_code

    shown = _api(app, "organization_show", {"id": org["id"], "include_users": "true"})
    assert shown.status_code == 200
    assert editor["id"] not in shown.body and editor["name"] not in shown.body
    assert shown.json["result"]["name"] == org["name"]


def test_a_user_of_another_dependencia_does_not_see_them_either(app: Any, org_with_editor) -> None:
    org, editor = org_with_editor
    outsider = factories.User()
    factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    listed = _api(app, "member_list", {"id": org["id"], "object_type": "user"}, user=outsider)
    assert listed.status_code == 403
    shown = _api(app, "organization_show", {"id": org["id"], "include_users": "true"}, user=outsider)
    assert editor["name"] not in shown.body


def test_members_and_sysadmins_still_see_the_list(app: Any, org_with_editor) -> None:
    org, editor = org_with_editor
    listed = _api(app, "member_list", {"id": org["id"], "object_type": "user"}, user=editor)
    assert listed.status_code == 200
    assert editor["id"] in [row[0] for row in listed.json["result"]]

    admin = factories.Sysadmin(password=PASSWORD)
    login(app, admin)
    page = app.get(f"/organization/members/{org['name']}")
    assert page.status_code == 200
    assert editor["name"] in page.body or editor["fullname"] in page.body


def test_the_datasets_of_a_dependencia_stay_public(app: Any, org_with_editor) -> None:
    org, _ = org_with_editor
    dataset = dataset_of(org)
    listed = _api(app, "member_list", {"id": org["id"], "object_type": "package"})
    assert listed.status_code == 200
    assert dataset["id"] in [row[0] for row in listed.json["result"]]
    shown = _api(app, "organization_show", {"id": org["id"], "include_datasets": "true"})
    assert shown.json["result"]["package_count"] == 1
