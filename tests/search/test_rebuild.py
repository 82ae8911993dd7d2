"""`ckan sach search-rebuild`: a parallel rebuild that refreshes every document and fails loudly.

Core's `search-index rebuild-fast` forks workers that share one inherited database connection
(issue #14: 5,000 of 10,000 documents refreshed, exit 0). These tests run the real command in its
own process, with two workers, on a catalogue of a few thousand datasets written straight to the
database (package_create one by one would take minutes), and compare index and database.
"""
from __future__ import annotations

import datetime
import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.sach.search import schema

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DATASETS = 2400


def _ckan(request: pytest.FixtureRequest, *args: str) -> subprocess.CompletedProcess[str]:
    ini = request.config.getoption("ckan_ini")
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    return subprocess.run([ckan, "-c", ini, *args], capture_output=True, text=True, timeout=600,
                          env=os.environ.copy())


def _write_catalogue(count: int) -> dict[str, list[str]]:
    """`count` datasets of one dependencia, each with a resource: 1 in 10 private, 1 in 25 draft,
    1 in 40 deleted. Returns the ids by kind."""
    org = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)  # the model's naive UTC
    kinds: dict[str, list[str]] = {"public": [], "private": [], "draft": [], "deleted": []}
    packages, resources = [], []
    for n in range(count):
        pid = str(uuid.uuid4())
        private = n % 10 == 0
        state = "deleted" if n % 40 == 1 else "draft" if n % 25 == 2 else "active"
        kinds["private" if private and state == "active" else
              "public" if state == "active" else state].append(pid)
        packages.append({
            "id": pid, "name": f"ingresos-{n:05d}", "title": f"Ingresos municipales {n}",
            "notes": "Ingresos por rubro.", "owner_org": org["id"], "private": private,
            "state": state, "type": "dataset", "license_id": "cc-by",
            "metadata_created": now, "metadata_modified": now - datetime.timedelta(minutes=n),
            "extras": {},
        })
        resources.append({
            "id": str(uuid.uuid4()), "package_id": pid, "position": 0, "format": "CSV",
            "url": f"https://datos.sanandrescholula.gob.mx/{pid}.csv", "name": "Ingresos",
            "state": "active", "created": now, "metadata_modified": now, "extras": {},
        })
    with model.meta.engine.begin() as connection:
        connection.execute(model.package_table.insert(), packages)
        connection.execute(model.resource_table.insert(), resources)
    return kinds


def _indexed_ids() -> set[str]:
    with model.meta.engine.connect() as connection:
        return {row[0] for row in connection.execute(sa.text("SELECT id FROM sach_search_doc"))}


def _found(**params) -> int:
    model.Session.remove()
    return call_action("package_search", context={"ignore_auth": True}, **params)["count"]


def test_two_workers_index_every_dataset_as_a_plain_rebuild_does(
    request: pytest.FixtureRequest,
) -> None:
    kinds = _write_catalogue(DATASETS)
    schema.clear()
    assert _indexed_ids() == set()

    result = _ckan(request, "sach", "search-rebuild", "--workers", "2", "--chunk-size", "200")
    assert result.returncode == 0, result.stderr
    not_deleted = DATASETS - len(kinds["deleted"])  # ckan.search.remove_deleted_packages
    assert f"{not_deleted} datasets indexed" in result.stdout

    with model.meta.engine.connect() as connection:
        in_database = {row[0] for row in connection.execute(
            sa.text("SELECT id FROM package WHERE state != 'deleted'"))}
    assert len(in_database) == not_deleted
    assert _indexed_ids() == in_database

    # What visitors and officers find is what the database holds.
    sysadmin = factories.Sysadmin()
    assert _found(q="*:*", rows=0) == len(kinds["public"])
    model.Session.remove()
    everything = call_action(
        "package_search", context={"user": sysadmin["name"]}, q="*:*", rows=0,
        include_private=True, include_drafts=True,
    )["count"]
    assert everything == len(kinds["public"]) + len(kinds["private"]) + len(kinds["draft"])
    assert _found(q="name:ingresos-00123", rows=0) == 1


def test_a_dataset_that_cannot_be_indexed_fails_the_rebuild_by_name(
    request: pytest.FixtureRequest,
) -> None:
    kinds = _write_catalogue(300)
    broken = kinds["public"][7]
    with model.meta.engine.begin() as connection:  # a row no plugin can read
        connection.execute(
            sa.text("UPDATE resource SET extras = '{not json' WHERE package_id = :id"),
            {"id": broken},
        )
    schema.clear()

    result = _ckan(request, "sach", "search-rebuild", "--workers", "2", "--chunk-size", "50")

    assert result.returncode != 0
    assert broken in result.stderr
    assert "could not be indexed" in result.stderr
    # The failure costs that dataset only: its chunk's other documents are committed.
    indexed = _indexed_ids()
    assert broken not in indexed
    assert len(indexed) == 300 - len(kinds["deleted"]) - 1
