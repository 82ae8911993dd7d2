"""A request made with an API token must not switch off CSRF protection of that view for later
browser (cookie) requests. CKAN 2.12 exempts the view process-wide; this site keeps the exemption
to the token's own request (ckanext/sach/web/csrf.py)."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.helpers import PASSWORD, csrf_token, login

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _sysadmin_with_token() -> tuple[dict[str, Any], dict[str, str]]:
    user = factories.Sysadmin(password=PASSWORD)
    return user, {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_a_token_request_leaves_the_view_protected_for_cookie_sessions(app: Any) -> None:
    user, headers = _sysadmin_with_token()
    org = factories.Organization()
    # a token request to the organization edit form is served without a CSRF token, as CKAN intends
    res = app.post(f"/organization/edit/{org['name']}", headers=headers,
                   data={"name": org["name"], "title": "Título por token", "save": ""},
                   follow_redirects=False)
    assert res.status_code in (200, 302, 303), res.status_code
    # later, the same view from a browser session without the token: refused, nothing changed
    login(app, user)
    forged = app.post(f"/organization/edit/{org['name']}",
                      data={"name": org["name"], "title": "Título falsificado", "save": ""},
                      follow_redirects=False)
    assert forged.status_code in (400, 403), forged.status_code
    assert call_action("organization_show", id=org["id"])["title"] != "Título falsificado"
    # with the form's token it still works
    token = csrf_token(app, f"/organization/edit/{org['name']}")
    ok = app.post(f"/organization/edit/{org['name']}",
                  data={"name": org["name"], "title": "Título del formulario", "save": "",
                        "_csrf_token": token}, follow_redirects=False)
    assert ok.status_code in (302, 303), ok.status_code
    assert call_action("organization_show", id=org["id"])["title"] == "Título del formulario"
