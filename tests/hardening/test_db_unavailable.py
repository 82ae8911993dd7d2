"""While PostgreSQL cannot be reached, pages and the API answer 503 with a Spanish message and
Retry-After (not CKAN's 500), and the site answers normally as soon as it is back.

The outage is real for the request: the session is bound to an engine whose server refuses every
connection (a closed port), so CKAN's own code raises the driver's real OperationalError.
"""
from __future__ import annotations

import socket
from typing import Any

import pytest
import sqlalchemy as sa

from ckan import model

pytestmark = pytest.mark.usefixtures("with_plugins")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_down() -> Any:
    dead = sa.create_engine(f"postgresql://nadie@127.0.0.1:{_closed_port()}/ninguna")
    original = model.Session.bind
    model.Session.remove()
    model.Session.configure(bind=dead)
    try:
        yield
    finally:
        model.Session.remove()
        model.Session.configure(bind=original)
        dead.dispose()


def test_pages_and_api_answer_503_in_spanish_while_the_database_is_down(app: Any, database_down: Any) -> None:
    page = app.get("/dataset/")
    assert page.status_code == 503, page.body[:300]
    assert page.headers["Retry-After"] == "5"
    assert 'lang="es"' in page.body and "no está disponible" in page.body
    api = app.get("/api/3/action/package_show?id=cualquiera")
    assert api.status_code == 503
    assert api.json["success"] is False and "no responde" in api.json["error"]["message"]


def test_the_site_answers_again_once_the_database_is_back(app: Any) -> None:
    assert app.get("/api/3/action/package_search?rows=1").status_code == 200
    assert app.get("/dataset/").status_code == 200


def _terminate_own_backend() -> str:
    """A view that uses the database, after which PostgreSQL drops its connection (as in a restart
    while the page renders): the answer is ready, only the session's closing rollback fails."""
    pid = model.Session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    with model.meta.engine.connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    return "respuesta lista"


def test_a_connection_lost_after_the_answer_was_built_is_not_a_500(app: Any) -> None:
    app.flask_app.add_url_rule("/_prueba/conexion-perdida", "prueba_conexion_perdida", _terminate_own_backend)
    res = app.get("/_prueba/conexion-perdida")
    assert res.status_code == 200, res.body[:500]
    assert res.body == "respuesta lista"
    # and the next requests get a fresh connection
    assert app.get("/api/3/action/package_search?rows=1").status_code == 200
    assert app.get("/dataset/").status_code == 200


def _terminate_then_query() -> str:
    _terminate_own_backend()
    model.Session.execute(sa.text("SELECT 1"))
    return "inalcanzable"


def test_a_connection_lost_in_the_middle_of_a_page_answers_503(app: Any) -> None:
    app.flask_app.add_url_rule("/_prueba/conexion-cortada", "prueba_conexion_cortada", _terminate_then_query)
    res = app.get("/_prueba/conexion-cortada")
    assert res.status_code == 503, res.body[:500]
    assert "no está disponible" in res.body
    assert app.get("/dataset/").status_code == 200
