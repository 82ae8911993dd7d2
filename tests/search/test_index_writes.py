"""Index writes made outside an action are committed, as Solr commits them: `ckan search-index
clear|rebuild <id>` run as its own process, and a direct `index_package` / `clear` from code that
never commits CKAN's session. Writes inside an action still commit or roll back with it
(tests/search/test_consistency.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.logic as logic
import ckan.model as model
from ckan.tests.helpers import call_action

from tests.factories import SachDatasetFactory

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _indexed(dataset_id: str) -> bool:
    """Seen from another connection: only committed rows."""
    with model.meta.engine.connect() as connection:
        return bool(connection.execute(
            sa.text("SELECT count(*) FROM sach_search_doc WHERE id = :id"), {"id": dataset_id}
        ).scalar())


def _dataset(name: str, title: str) -> dict[str, Any]:
    return SachDatasetFactory(name=name, title=title)


def _found(name: str) -> int:
    return call_action("package_search", q=f'name:"{name}"')["count"]


def _ckan(request: pytest.FixtureRequest, *args: str) -> subprocess.CompletedProcess[str]:
    ini = request.config.getoption("ckan_ini")
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    return subprocess.run([ckan, "-c", ini, *args], capture_output=True, text=True, timeout=120,
                          env=os.environ.copy())


def test_search_index_commands_in_their_own_process_are_committed(
    request: pytest.FixtureRequest,
) -> None:
    dataset = _dataset("padron-de-proveedores", "Padrón de proveedores")
    assert _indexed(dataset["id"]) and _found(dataset["name"]) == 1

    cleared = _ckan(request, "search-index", "clear", dataset["id"])
    assert cleared.returncode == 0, cleared.stderr
    model.Session.remove()
    assert not _indexed(dataset["id"])
    assert _found(dataset["name"]) == 0

    rebuilt = _ckan(request, "search-index", "rebuild", dataset["id"])
    assert rebuilt.returncode == 0, rebuilt.stderr
    model.Session.remove()
    assert _indexed(dataset["id"])
    assert _found(dataset["name"]) == 1


def test_direct_index_writes_survive_a_session_that_never_commits() -> None:
    dataset = _dataset("presupuesto-de-egresos", "Presupuesto de egresos")

    search.clear(dataset["id"])
    model.Session.remove()  # a script ends: whatever was not committed is gone
    assert not _indexed(dataset["id"])

    logic.index_update_package({"ignore_auth": True}, dataset["id"])
    model.Session.remove()
    assert _indexed(dataset["id"])
    assert _found(dataset["name"]) == 1


def test_index_write_inside_a_transaction_with_changes_waits_for_its_commit() -> None:
    dataset = _dataset("atlas-de-riesgos", "Atlas de riesgos")
    package = model.Package.get(dataset["id"])
    package.title = "Atlas de riesgos naturales"  # uncommitted change of the dataset
    search.clear(dataset["id"])
    assert _indexed(dataset["id"])  # not committed on its own: it belongs to the change
    model.Session.rollback()
    assert _indexed(dataset["id"])
    assert model.Package.get(dataset["id"]).title == "Atlas de riesgos"


def test_db_clean_style_clear_recreates_an_empty_index() -> None:
    """`ckan db clean` drops every table and then clears the index: the clear leaves an empty
    search table (like a Solr core that outlives the database) instead of failing."""
    _dataset("consultas-medicas", "Consultas médicas")
    model.Session.remove()
    with model.meta.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE sach_search_doc"))
    search.clear_all()
    model.Session.remove()
    with model.meta.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM sach_search_doc")).scalar() == 0
