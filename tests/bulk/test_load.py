"""A load lands each row whole or not at all; permissions and the personal-data guard apply."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.sach.bulk.load import user_org_choices

from .conftest import ORG, OTHER_ORG, resource_row, row, run, texts, xlsx

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

TRIGGER = """
CREATE OR REPLACE FUNCTION sach_bulk_test_fail() RETURNS trigger AS $$
BEGIN
  IF NEW.name = 'provoca-fallo' THEN RAISE EXCEPTION 'fallo de prueba a mitad de la carga'; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER sach_bulk_test_fail BEFORE INSERT OR UPDATE ON resource
  FOR EACH ROW EXECUTE FUNCTION sach_bulk_test_fail();
"""


@pytest.fixture
def failing_resource_insert():
    """PostgreSQL refuses (mid-transaction, after the dataset row is written) a resource named
    «provoca-fallo»: a real failure half-way through a row."""
    model.Session.execute(sa.text(TRIGGER))
    model.Session.commit()
    yield
    model.Session.rollback()
    model.Session.execute(sa.text("DROP TRIGGER IF EXISTS sach_bulk_test_fail ON resource; "
                                  "DROP FUNCTION IF EXISTS sach_bulk_test_fail()"))
    model.Session.commit()


def _found(name: str) -> list[str]:
    result = tk.get_action("package_search")({"ignore_auth": True}, {"q": f"name:{name}", "include_private": True})
    return [p["name"] for p in result["results"]]


def test_row_failing_mid_load_leaves_nothing_and_rerun_completes(officer, failing_resource_insert):
    rows = [row("antes"), resource_row("antes"),
            row("a-medias"), resource_row("a-medias", 1),
            resource_row("a-medias", 2, **{"resource.name": "provoca-fallo"}),
            row("despues"), resource_row("despues")]
    data = xlsx(rows, officer["name"])
    report = run(data, officer["name"])
    assert sorted(report.created) == ["antes", "despues"]
    assert report.failed == ["a-medias"]
    assert texts(report) == ["Fila 4: no se pudo guardar por un error interno; no se guardó nada de esta fila. "
                             "Vuelva a cargar el archivo más tarde."]
    assert model.Session.query(model.Package).filter_by(name="a-medias").count() == 0
    orphans = model.Session.execute(sa.text(
        "SELECT count(*) FROM resource WHERE package_id NOT IN (SELECT id FROM package)")).scalar()
    assert orphans == 0
    assert model.Session.query(model.Resource).filter(model.Resource.url.like("%a-medias%")).count() == 0
    assert _found("a-medias") == [] and _found("antes") == ["antes"]

    model.Session.execute(sa.text("DROP TRIGGER sach_bulk_test_fail ON resource"))
    model.Session.commit()
    again = run(data, officer["name"])
    assert again.errors == [] and again.created == ["a-medias"]
    assert sorted(again.unchanged) == ["antes", "despues"]
    assert [r.name for r in model.Package.get("a-medias").resources] == ["Datos 1", "provoca-fallo"]
    assert _found("a-medias") == ["a-medias"]
    third = run(data, officer["name"])
    assert third.created == [] and third.updated == [] and len(third.unchanged) == 3
    dry = run(data, officer["name"], dry_run=True)  # cells the schema fills (identifier…) are no change
    assert dry.created == [] and dry.updated == [] and len(dry.unchanged) == 3


def test_editor_loads_only_into_own_dependencias(officer, other_org):
    assert user_org_choices(officer["name"]) == [(ORG, "Tesorería Municipal")]
    data = xlsx([row("propio"), row("ajeno", owner_org=OTHER_ORG)], officer["name"])
    for dry_run in (True, False):
        report = run(data, officer["name"], org=None, dry_run=dry_run)
        assert report.created == ["propio"] if dry_run else True
        assert texts(report) == ["Fila 3, columna Dependencia: no tiene permiso para publicar conjuntos en esta "
                                 "dependencia."]
    assert model.Session.query(model.Package).filter_by(name="ajeno").count() == 0
    # an update of another dependencia's dataset by its name is refused, and the dataset is untouched
    theirs = xlsx([row("padron-dif", title="Otro título")], officer["name"])
    report = run(theirs, officer["name"])
    assert texts(report) == ["Fila 2, columna URL: la URL «padron-dif» ya la usa un conjunto de otra "
                             "dependencia; elija otra."]
    assert model.Package.get("padron-dif").title == other_org["dataset"]["title"]


def test_member_cannot_load(officer):
    member = factories.User()
    tk.get_action("organization_member_create")({"ignore_auth": True},
                                                {"id": ORG, "username": member["name"], "role": "member"})
    report = run(xlsx([row("de-miembro")], officer["name"]), member["name"])
    assert report.created == []
    assert texts(report) == ["Fila 2, columna Dependencia: no tiene permiso para publicar conjuntos en esta "
                             "dependencia."]


@pytest.mark.ckan_config("ckanext.sach.privacy.scan_links", True)
def test_personal_data_guard_applies_to_loaded_datasets(officer):
    from ckan.lib import jobs as ckan_jobs

    from ckanext.sach.privacy import model as pmodel

    queue = ckan_jobs.get_queue()
    queue.empty()
    rows = [row("publico-con-csv", private="False"), resource_row("publico-con-csv"),
            row("privado-con-csv", private="True"), resource_row("privado-con-csv")]
    data = xlsx(rows, officer["name"])
    for dry_run in (True, False):
        report = run(data, officer["name"], dry_run=dry_run)
        assert report.created == ["privado-con-csv"]
        [error] = texts(report)
        assert error.startswith("Fila 3, columna Recurso: URL o archivo: «Datos 1» se revisará en segundo plano "
                                "en busca de datos personales")
    assert model.Session.query(model.Package).filter_by(name="publico-con-csv").count() == 0
    pkg = model.Package.get("privado-con-csv")
    scans = model.Session.query(pmodel.PrivacyScan).filter_by(package_id=pkg.id).all()
    assert [(s.status, s.source) for s in scans] == [("pending", "link")]
    assert [j.args for j in queue.jobs if j.func_name.endswith("scan_resource")] == [[scans[0].id]]
    # publishing it through the bulk file is refused while the scan is pending, as in the form
    report = run(xlsx([row("privado-con-csv", private="False"), resource_row("privado-con-csv")],
                      officer["name"]), officer["name"])
    assert report.updated == [] and len(report.errors) == 1
    assert "No se puede hacer público" in report.errors[0]["text"]
    assert model.Package.get("privado-con-csv").private is True
    queue.empty()
