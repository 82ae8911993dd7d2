"""The personal-data guard over the DataStore, and who may read a private dataset's tables."""
from __future__ import annotations

import random

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from ckanext.sach.privacy import guard as privacy_guard
from ckanext.sach.privacy import jobs as privacy_jobs
from tests.helpers import login
from tests.privacy import synthetic as s

from .test_load import DATA, make_dataset, search, upload

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def people_csv(n: int = 5) -> bytes:
    header, rows = s.people_rows(random.Random(3), n)
    return s.csv_bytes(rows, header)


def table_exists(resource_id: str) -> bool:
    try:
        tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return False
    return True


def test_a_file_with_an_unreviewed_curp_is_never_loaded(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], people_csv(), "padron.csv", "CSV")
    run_jobs()
    assert not table_exists(res["id"])
    search(app, officer["headers"], res["id"], status=404)
    login(app, officer["user"])
    page = app.get(f"/dataset/{pkg['name']}/resource/{res['id']}").body
    assert 'data-load-state="blocked"' in page and "revisión de datos personales" in page


def test_a_rescan_that_finds_personal_data_deletes_the_table(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], DATA.encode(), "presupuesto.csv", "CSV")
    run_jobs()
    assert search(app, officer["headers"], res["id"])["result"]["total"] == 2
    # the stored file turns out to hold CURPs (e.g. a detector the first scan did not have)
    path = uploader.get_resource_uploader({"id": res["id"], "url_type": "upload"}).get_path(res["id"])
    with open(path, "wb") as f:
        f.write(people_csv())
    privacy_guard.enqueue(privacy_jobs.schedule_dataset(model.Package.get(pkg["id"])))
    run_jobs()
    assert not table_exists(res["id"])
    search(app, officer["headers"], res["id"], status=404)
    assert tk.get_action("resource_show")({"ignore_auth": True}, {"id": res["id"]}).get("datastore_active") is False


def test_a_private_table_answers_only_its_dependencia(app, officer, outsider, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], DATA.encode(), "presupuesto.csv", "CSV")
    run_jobs()
    assert search(app, officer["headers"], res["id"])["result"]["total"] == 2
    for headers in ({}, outsider["headers"]):
        search(app, headers, res["id"], status=403)
        app.post("/api/3/action/datastore_info", json={"id": res["id"]}, headers=headers, status=403)
        dump = app.get(f"/datastore/dump/{res['id']}", headers=headers)
        assert dump.status_code in (403, 404) and "Pavimentación".encode() not in dump.data
        sql = app.post("/api/3/action/datastore_search_sql",
                       json={"sql": f'SELECT * FROM "{res["id"]}"'}, headers=headers)
        assert sql.status_code in (400, 403, 404) and "Pavimentación".encode() not in sql.data
    assert "Pavimentación".encode() in app.get(f"/datastore/dump/{res['id']}", headers=officer["headers"]).data
    # published, anyone reads it
    app.post("/api/3/action/package_patch", json={"id": pkg["id"], "private": False},
             headers=officer["headers"], status=200)
    assert search(app, {}, res["id"])["result"]["total"] == 2


def test_replacing_a_loaded_file_with_one_holding_a_curp_leaves_no_table(app, officer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], DATA.encode(), "presupuesto.csv", "CSV")
    run_jobs()
    assert table_exists(res["id"])
    import io

    app.post("/api/3/action/resource_update", headers=officer["headers"], content_type="multipart/form-data",
             data={"id": res["id"], "name": "Padrón", "format": "CSV",
                   "upload": (io.BytesIO(people_csv()), "padron.csv")}, status=200)
    run_jobs()
    assert not table_exists(res["id"])
    search(app, officer["headers"], res["id"], status=404)


@pytest.fixture
def privacy_reviewer():
    """An editor of the Coordinación General de Transparencia (the privacy reviewers)."""
    from ckan.tests import factories

    from tests.privacy.conftest import REVIEWER_ORG

    user = factories.User()
    factories.Organization(name=REVIEWER_ORG, title="Coordinación General de Transparencia",
                           users=[{"name": user["name"], "capacity": "editor"}])
    return {"user": user, "headers": {"Authorization": factories.APIToken(user=user["name"])["token"]}}


def test_a_review_that_clears_the_findings_loads_the_file(app, officer, privacy_reviewer, run_jobs):
    pkg = make_dataset(officer["org"], private=True)
    res = upload(app, officer, pkg["id"], people_csv(), "padron.csv", "CSV")
    run_jobs()
    assert not table_exists(res["id"])
    app.post("/api/3/action/sach_privacy_review_create", headers=privacy_reviewer["headers"], json={
        "package_id": pkg["id"], "decision": "no",
        "reason": "Las claves parecen CURP pero son folios internos del programa."}, status=200)
    run_jobs()  # no new upload: the held-back file is loaded
    assert search(app, officer["headers"], res["id"])["result"]["total"] == 5
    login(app, officer["user"])
    page = app.get(f"/dataset/{pkg['name']}/resource/{res['id']}").body
    assert 'data-load-state="loaded"' in page and "Cargado: 5 filas." in page
