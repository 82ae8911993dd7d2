"""Index and catalogue never drift: writes, failures half-way, and `ckan search-index`."""
from __future__ import annotations

import json
from typing import Any

import pysolr
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.common import config
from ckan.lib.search.common import SearchIndexError
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.sach.search.connection import PgSearchConnection
from tests.search.conftest import PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _titles(q: str = "*:*") -> dict[str, str]:
    result = call_action("package_search", q=q, rows=100, include_private=True)
    return {r["name"]: r["title"] for r in result["results"]}


def _indexed_rows() -> int:
    with model.meta.engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM sach_search_doc")).scalar()


def _dataset(**fields: Any) -> dict[str, Any]:
    org = factories.Organization()
    return factories.Dataset(owner_org=org["id"], **fields)


def test_create_update_delete_purge_are_searchable_at_once() -> None:
    dataset = _dataset(name="proyecto-7", title="Obra pública 2024")
    assert _titles("obra") == {"proyecto-7": "Obra pública 2024"}

    call_action("package_patch", id=dataset["id"], title="Alumbrado público 2024")
    assert _titles("alumbrado") == {"proyecto-7": "Alumbrado público 2024"}
    assert _titles("obra") == {}

    call_action("package_patch", id=dataset["id"], private=True)
    assert call_action("package_search", q="alumbrado")["count"] == 0
    assert _titles("alumbrado") == {"proyecto-7": "Alumbrado público 2024"}

    call_action("package_delete", id=dataset["id"])
    assert _titles("alumbrado") == {}
    assert _indexed_rows() == 0  # ckan.search.remove_deleted_packages (default true)

    other = _dataset(name="proyecto-8", title="Bacheo 2024")
    assert _indexed_rows() == 1
    call_action("dataset_purge", id=other["id"])
    assert _indexed_rows() == 0
    assert _titles("bacheo") == {}


def test_failure_after_indexing_rolls_back_both(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = _dataset(name="padron-comercios", title="Padrón de comercios")

    def broken_commit() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(model.repo, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        call_action("package_patch", id=dataset["id"], title="Padrón de mercados")
    monkeypatch.undo()
    model.Session.remove()  # what CKAN does at the end of the failed request

    assert call_action("package_show", id=dataset["id"])["title"] == "Padrón de comercios"
    assert _titles() == {"padron-comercios": "Padrón de comercios"}
    assert _titles("mercados") == {}


def test_failure_while_indexing_leaves_the_dataset_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dataset = _dataset(name="tianguis", title="Tianguis municipales")

    def broken_add(self: Any, docs: Any, **kwargs: Any) -> None:
        raise pysolr.SolrError("disk full")

    monkeypatch.setattr(PgSearchConnection, "add", broken_add)
    with pytest.raises(SearchIndexError):
        call_action("package_patch", id=dataset["id"], title="Mercados municipales")
    monkeypatch.undo()
    model.Session.remove()

    assert call_action("package_show", id=dataset["id"])["title"] == "Tianguis municipales"
    assert _titles() == {"tianguis": "Tianguis municipales"}


def test_search_index_commands(cli: Any) -> None:
    for n in range(3):
        _dataset(name=f"conjunto-{n}", title=f"Conjunto de datos {n}")

    result = cli.invoke(ckan_cli, ["search-index", "clear"])
    assert result.exit_code == 0, result.output
    assert _titles() == {}

    result = cli.invoke(ckan_cli, ["search-index", "check"])
    assert result.exit_code == 0, result.output
    assert "Packages not indexed = 3 out of 3" in result.output

    result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert set(_titles()) == {"conjunto-0", "conjunto-1", "conjunto-2"}

    result = cli.invoke(ckan_cli, ["search-index", "check"])
    assert "Packages not indexed = 0 out of 3" in result.output

    result = cli.invoke(ckan_cli, ["search-index", "show", "conjunto-1"])
    assert result.exit_code == 0, result.output
    assert "Conjunto de datos 1" in result.output

    result = cli.invoke(ckan_cli, ["search-index", "clear", "conjunto-1"])
    assert result.exit_code == 0, result.output
    assert set(_titles()) == {"conjunto-0", "conjunto-2"}

    result = cli.invoke(ckan_cli, ["search-index", "rebuild", "--only-missing"])
    assert result.exit_code == 0, result.output
    assert set(_titles()) == {"conjunto-0", "conjunto-1", "conjunto-2"}


def test_rebuild_clears_orphaned_documents(cli: Any) -> None:
    _dataset(name="mercados", title="Mercados municipales")
    stale = {
        "id": "stale", "name": "fantasma", "site_id": config["ckan.site_id"], "state": "active",
        "capacity": "public", "dataset_type": "dataset", "entity_type": "package",
        "permission_labels": ["public"],
    }
    fields = {k: v if isinstance(v, list) else [v] for k, v in stale.items()}
    with model.meta.engine.begin() as connection:  # a stale document of a dataset long gone
        connection.execute(
            sa.text(
                "INSERT INTO sach_search_doc (index_id, id, site_id, name, state, capacity, "
                "dataset_type, permission_labels, doc, fields, tsv) "
                "VALUES ('stale', 'stale', :site, 'fantasma', 'active', 'public', 'dataset', "
                "ARRAY['public'], CAST(:doc AS jsonb), CAST(:fields AS jsonb), '')"
            ),
            {"site": stale["site_id"], "doc": json.dumps(stale), "fields": json.dumps(fields)},
        )
    found = call_action("package_search", q="*:*", fl=["id"], rows=100)["results"]
    assert {"id": "stale"} in found
    result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert _indexed_rows() == 1
    assert set(_titles()) == {"mercados"}
