"""The API token that ckanext-xloader's jobs send back to CKAN.

xloader reads ``ckanext.xloader.api_token`` when a load is submitted and refuses to work
without it. A site that does not set it gets one for CKAN's site user, made on first use and
kept in the database (``api_token`` row named ``xloader``): the JWT is encoded again from that
row's id with the site's secret, so nothing is written into ckan.ini.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import api_token

TOKEN_NAME = "xloader"
OPTION = "ckanext.xloader.api_token"


_configured: list[bool] = []


def ensure() -> None:
    """Set ``ckanext.xloader.api_token`` for this process if the site did not. The site user's
    token is looked up again each time (one query): a token row can be revoked or, in tests,
    wiped with the database."""
    if not _configured:
        current = tk.config.get(OPTION)
        _configured.append(bool(current) and current != "NOT_SET")
    if not _configured[0]:
        tk.config[OPTION] = site_user_token()


def site_user_token() -> str:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    user = model.User.get(site_user["name"])
    assert user is not None  # get_site_user creates it
    row = (model.Session.query(model.ApiToken)
           .filter(model.ApiToken.user_id == user.id, model.ApiToken.name == TOKEN_NAME)
           .first())
    if row is None:
        created = tk.get_action("api_token_create")(
            {"ignore_auth": True, "user": site_user["name"]}, {"user": site_user["name"], "name": TOKEN_NAME})
        return created["token"]
    return api_token.encode({"jti": row.id, "iat": api_token.into_seconds(row.created_at)})
