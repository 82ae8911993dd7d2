"""Fixtures of the schema tests: a valid dataset payload and a dependencia."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.factories import SachDatasetFactory, dataset_payload
from tests.helpers import PASSWORD, csrf_token, login  # noqa: F401  (re-exported to the tests)


@pytest.fixture
def valid_dataset():
    """A factory of complete, valid dataset dicts (new ones, with overrides; nothing created)."""
    return dataset_payload


def sysadmin_context() -> dict[str, Any]:
    user = factories.Sysadmin()
    return {"user": user["name"], "ignore_auth": False}


@pytest.fixture
def dependencias():
    """Two dependencias with an editor each, a member of the first one, and an outsider."""
    tesoreria = factories.Organization(name="tesoreria-municipal", title="Tesorería Municipal")
    dif = factories.Organization(name="sistema-municipal-dif", title="Sistema Municipal DIF")
    users = {
        "editor": factories.User(password=PASSWORD),
        "editor_dif": factories.User(password=PASSWORD),
        "member": factories.User(password=PASSWORD),
        "outsider": factories.User(password=PASSWORD),
    }
    for org, user, role in ((tesoreria, "editor", "editor"), (dif, "editor_dif", "editor"),
                            (tesoreria, "member", "member")):
        tk.get_action("organization_member_create")(
            {"ignore_auth": True}, {"id": org["id"], "username": users[user]["name"], "role": role}
        )
    return {"tesoreria": tesoreria, "dif": dif, **users}


@pytest.fixture
def make_dataset():
    """Create a valid dataset through package_create as the given user (default a new sysadmin,
    with the authorization checks on)."""

    def make(owner_org: str, user: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
        return SachDatasetFactory(owner_org=owner_org, user=user or factories.Sysadmin(), **overrides)

    return make
