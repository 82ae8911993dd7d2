"""Helpers shared by the test packages (plain functions; fixtures live in conftest.py files,
records are made by the factories of tests/factories.py)."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories


def sysadmin_context() -> dict[str, Any]:
    """An action context of a sysadmin (the oldest active one that is not the site user, created
    when there is none). Not the site user: CKAN hides its activities (`ckan.hide_activity_from_users`)."""
    site_user = tk.config.get("ckan.site_id")
    user = (model.Session.query(model.User).filter_by(sysadmin=True, state="active")
            .filter(model.User.name != site_user).order_by(model.User.created).first())
    if user is None:
        user = model.User.get(factories.Sysadmin()["name"])
    return {"user": user.name, "ignore_auth": True}


PASSWORD = "Contrasena-Segura-2025"
_CSRF_RE = re.compile(r'name="_csrf_token"\s+value="([^"]+)"')


def csrf_token(app: Any, url: str) -> str:
    """The CSRF token of the form served at ``url`` (same client session)."""
    res = app.get(url)
    assert res.status_code == 200, (url, res.status_code)
    match = _CSRF_RE.search(res.body)
    assert match, f"no CSRF token in {url}"
    return match.group(1)


def login(app: Any, user: dict[str, Any]) -> None:
    """Sign in through the login form, like a person (session cookie); users made with PASSWORD."""
    token = csrf_token(app, "/user/login")
    res = app.post(
        "/user/login",
        data={"login": user["name"], "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert res.status_code in (302, 303), res.body[:500]
