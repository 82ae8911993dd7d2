"""Fixtures of the schema tests: a valid dataset payload and a dependencia."""
from __future__ import annotations

import copy
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.helpers import PASSWORD, csrf_token, login  # noqa: F401  (re-exported to the tests)
from tests.helpers import VALID_DATASET as VALID


@pytest.fixture
def valid_dataset():
    """A factory of complete, valid dataset dicts (deep copies, with overrides)."""

    def make(**overrides: Any) -> dict[str, Any]:
        data = copy.deepcopy(VALID)
        data.update(overrides)
        return data

    return make


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
def make_dataset(valid_dataset):
    """Create a valid dataset through package_create as the given user (default sysadmin)."""

    def make(owner_org: str, user: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
        context = {"user": user["name"]} if user else sysadmin_context()
        return tk.get_action("package_create")(context, valid_dataset(owner_org=owner_org, **overrides))

    return make
