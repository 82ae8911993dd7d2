"""A citizen searching the catalogue sees the current name of a dependencia or tema: renaming one
reindexes its datasets (in the same request when they are few, by a background job otherwise)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.factories import dataset_of
from tests.helpers import sysadmin_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ROOT = Path(__file__).resolve().parents[2]


def _search(app: Any, **params: Any) -> dict[str, Any]:
    res = app.get("/api/3/action/package_search", query_string=params)
    assert res.status_code == 200, res.body
    return res.json["result"]


def _rename(kind: str, group: dict[str, Any], title: str) -> None:
    call_action(f"{kind}_patch", context=sysadmin_context(), id=group["id"], title=title)


@pytest.fixture
def tema_with_datasets() -> tuple[dict[str, Any], dict[str, Any]]:
    org = factories.Organization(title="Tesorería Municipal")
    tema = factories.Group(title="Finanzas")
    for _ in range(3):
        dataset_of(org, groups=[{"name": tema["name"]}])
    return org, tema


def _titles(result: dict[str, Any], key: str) -> set[str]:
    if key == "organization":
        return {d["organization"]["title"] for d in result["results"]}
    return {g["title"] for d in result["results"] for g in d["groups"]}


def test_a_renamed_tema_and_dependencia_show_their_new_names_at_once(app, tema_with_datasets) -> None:
    org, tema = tema_with_datasets
    assert _titles(_search(app, fq=f"groups:{tema['name']}"), "groups") == {"Finanzas"}
    _rename("group", tema, "Finanzas públicas")
    _rename("organization", org, "Tesorería Municipal de San Andrés Cholula")
    found = _search(app, fq=f"groups:{tema['name']}")
    assert found["count"] == 3
    assert _titles(found, "groups") == {"Finanzas públicas"}
    assert _titles(found, "organization") == {"Tesorería Municipal de San Andrés Cholula"}
    page = app.get("/dataset/", query_string={"groups": tema["name"]})
    assert "Finanzas públicas" in page.body


@pytest.mark.ckan_config("ckanext.sach.groups.reindex_inline_max", 1)
def test_a_large_tema_is_reindexed_by_a_real_background_worker(app, tema_with_datasets) -> None:
    from ckan.lib import jobs as ckan_jobs

    _, tema = tema_with_datasets
    queue = ckan_jobs.get_queue()
    queue.empty()
    _rename("group", tema, "Hacienda municipal")
    assert "ckanext.sach.group_sync.reindex_job" in [job.func_name for job in queue.jobs]
    assert _titles(_search(app, fq=f"groups:{tema['name']}"), "groups") == {"Finanzas"}
    ckan = str(Path(sys.executable).with_name("ckan"))
    done = subprocess.run([ckan, "-c", str(ROOT / "test.ini"), "jobs", "worker", "--burst"], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _titles(_search(app, fq=f"groups:{tema['name']}"), "groups") == {"Hacienda municipal"}

