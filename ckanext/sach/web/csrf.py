"""CSRF exemptions for API-token requests last one request, not the life of the process.

CKAN 2.12 skips CSRF checks for a request authenticated by an ``Authorization`` header by calling
Flask-WTF's ``csrf.exempt(<view>)``, which adds the view to a process-wide set and never removes it.
After one token request to a form view (``/dataset/<id>/publicar``, ``/dataset/edit/<id>``, …),
every later cookie-authenticated POST to that view in the same worker passes without a CSRF token:
a forged cross-site form would then act with the victim's session.

This replaces that set with one whose additions made while serving a request are kept in the
request's ``g`` only (thread-safe; gone when the request ends). Exemptions declared outside a
request (decorators, blueprints at start-up) stay process-wide, as Flask-WTF intends.
"""
from __future__ import annotations

from typing import Any

from flask import g, has_app_context, has_request_context

_REQUEST_KEY = "_sach_csrf_exempt_views"


class RequestScopedExemptions(set):
    """A set of exempt view paths where additions made during a request stay in that request."""

    def add(self, item: Any) -> None:
        if has_request_context() and has_app_context():
            found = g.get(_REQUEST_KEY)
            if found is None:
                found = set()
                setattr(g, _REQUEST_KEY, found)
            found.add(item)
        else:
            super().add(item)

    def __contains__(self, item: object) -> bool:
        if super().__contains__(item):
            return True
        if has_request_context() and has_app_context():
            return item in (g.get(_REQUEST_KEY) or ())
        return False


def scope_exemptions_to_requests() -> None:
    """Install the request-scoped set on CKAN's CSRFProtect instance (idempotent)."""
    from ckan.config.middleware import flask_app

    protect = flask_app.csrf
    # Flask-WTF keeps the exemptions only in this private set; there is no public way to scope them
    exempt = protect._exempt_views  # noqa: SLF001 -- the set this module exists to replace
    if not isinstance(exempt, RequestScopedExemptions):
        protect._exempt_views = RequestScopedExemptions(exempt)  # noqa: SLF001 -- as above
