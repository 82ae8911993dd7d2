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

TOKEN_NAME = "xloader"  # noqa: S105 -- the name the API token is listed under, not a secret
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
    """The site user's ``xloader`` token, made if missing. xloader submits from inside a commit
    (``before_commit``): the row is read and written in a session of its own, so the caller's
    transaction is never committed from within its own commit."""
    session = model.meta.create_local_session(bind=model.meta.engine)
    try:
        user = session.query(model.User).filter_by(name=tk.config["ckan.site_id"]).first()
        if user is None:  # no site user yet: CKAN makes it (outside any commit in practice)
            session.close()
            site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
            session = model.meta.create_local_session(bind=model.meta.engine)
            user = session.query(model.User).filter_by(name=site_user["name"]).first()
        assert user is not None
        row = session.query(model.ApiToken).filter_by(user_id=user.id, name=TOKEN_NAME).first()
        if row is None:
            row = model.ApiToken(user_id=user.id, name=TOKEN_NAME)
            session.add(row)
            session.commit()
        return api_token.encode({"jti": row.id, "iat": api_token.into_seconds(row.created_at)})
    finally:
        session.close()
