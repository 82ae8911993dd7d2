"""While PostgreSQL cannot be reached (a restart, a failover), answer 503 with a Spanish message
and ``Retry-After`` instead of CKAN's generic 500.

The answer is built without the database: CKAN's error template would render the header (user,
dependencias, counts) and fail again. Pages get a small self-contained HTML page, the API its usual
JSON error shape. The connection pool discards the broken connections itself (``pool_pre_ping``),
so the site is back as soon as PostgreSQL is.
"""
from __future__ import annotations

import html
import json
import logging
from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import exc as sa_exc

import ckan.plugins.toolkit as tk
from ckan import model

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _unreachable(error: sa_exc.DBAPIError) -> bool:
    """A lost or refused connection, not a bad statement (those stay 500s and are logged)."""
    return isinstance(error, sa_exc.OperationalError) or bool(getattr(error, "connection_invalidated", False))


def _message() -> tuple[str, str]:
    try:
        title = tk._("El servicio no está disponible por el momento")
        text = tk._("La base de datos del catálogo no responde. Vuelva a intentarlo en unos segundos.")
    except Exception:  # noqa: BLE001 -- the 503 answer must be built whatever else failed with the database
        title = "El servicio no está disponible por el momento"
        text = "La base de datos del catálogo no responde. Vuelva a intentarlo en unos segundos."
    return title, text


def _page(lang: str, title: str, text: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head>"
        '<body style="font-family: sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem;">'
        f"<main><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
        '<p><a href="">Reintentar</a></p></main></body></html>'
    )


def release_session() -> None:
    """Give back the request's database session. When PostgreSQL dropped the connection during the
    request, the closing rollback fails: the connection is then discarded without a rollback (the
    server has already rolled the transaction back) instead of raising."""
    try:
        model.Session.remove()
    except sa_exc.DBAPIError as error:
        if not _unreachable(error):
            raise
        log.warning("PostgreSQL connection lost while serving %s: %s", request.path, error.orig or error)
        try:
            model.Session.registry().invalidate()
        except sa_exc.DBAPIError:
            log.debug("could not invalidate the session", exc_info=True)
        model.Session.registry.clear()


def release_session_after_request(response: Response) -> Response:
    """Runs before CKAN's own ``after_request`` (Flask calls later-registered hooks first), whose
    ``Session.remove()`` would turn an answer that is already built into a 500."""
    release_session()
    return response


def database_unavailable(error: sa_exc.DBAPIError) -> Any:
    if not _unreachable(error):
        raise error
    log.warning("PostgreSQL unreachable while serving %s: %s", request.path, error.orig or error)
    release_session()
    title, text = _message()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if "/api/" in request.path or request.path.startswith("/api"):
        body = json.dumps({"success": False, "help": request.url,
                           "error": {"__type": "Service Unavailable", "message": text}}, ensure_ascii=False)
        return Response(body, status=503, headers=headers, content_type="application/json;charset=utf-8")
    lang = "en" if request.path.startswith("/en/") else "es"
    return Response(_page(lang, title, text), status=503, headers=headers,
                    content_type="text/html; charset=utf-8")


def get_blueprints() -> list[Any]:
    blueprint = Blueprint("sach_unavailable", __name__)
    blueprint.app_errorhandler(sa_exc.DBAPIError)(database_unavailable)
    blueprint.after_app_request(release_session_after_request)
    return [blueprint]
