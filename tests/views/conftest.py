"""A small catalogue with DataStore tables, filled directly with ``datastore_create``
(records and a data dictionary: ``info`` labels and notes), not through a loader."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.factories import dataset_payload

FIELDS = [
    {"id": "colonia", "type": "text",
     "info": {"label": "Colonia", "notes": "Colonia o junta auxiliar del reporte."}},
    {"id": "reportes", "type": "int",
     "info": {"label": "Reportes atendidos", "notes": "Reportes de alumbrado atendidos en el mes."}},
    {"id": "mes", "type": "text", "info": {"label": "Mes"}},
]
RECORDS = [
    {"colonia": "San Bernardino Tlaxcalancingo", "reportes": 42, "mes": "enero"},
    {"colonia": "Santa María Tonantzintla", "reportes": 17, "mes": "enero"},
    {"colonia": "San Antonio Cacalotepec", "reportes": 29, "mes": "enero"},
    {"colonia": "Cholula centro", "reportes": 8, "mes": "enero"},
]

# The schema's fields but name, title and resources (each dataset below gives its own).
DATASET: dict[str, Any] = dataset_payload(
    name=None, title=None, resources=None, sector="infraestructura", frequency="R/P1M",
    notes="Reportes de alumbrado público atendidos por colonia.",
    contact=[{"name": "Servicios Públicos", "email": "servicios@sach.gob.mx"}])


@pytest.fixture
def clean_datastore(clean_db: Any, clean_index: Any) -> None:
    """Drops the DataStore's tables (CKAN's ``rebuild_all_dbs`` would also rebuild CKAN's
    database without this extension's tables)."""
    from sqlalchemy import orm

    from ckanext.datastore.backend.postgres import get_write_engine
    from ckanext.datastore.tests import helpers as ds_helpers

    ds_helpers.clear_db(orm.scoped_session(orm.sessionmaker(bind=get_write_engine())))


def load(user: dict[str, Any], resource_id: str, fields: list[dict[str, Any]] | None = None,
         records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return call_action("datastore_create", context={"user": user["name"]}, resource_id=resource_id,
                       force=True, fields=fields or FIELDS, records=records or RECORDS)


@pytest.fixture
def tables(clean_datastore: Any) -> dict[str, Any]:
    """A public and a private dataset, each with a loaded CSV resource, and a dataset whose CSV is
    not in the DataStore."""
    from ckanext.sach.dcat import cache, orgs

    cache.clear()
    orgs.clear()
    sysadmin = factories.Sysadmin()
    org = call_action("organization_create", context={"user": sysadmin["name"]},
                      name="servicios-publicos", title="Dirección de Servicios Públicos", org_type="dependencia")

    def dataset(name: str, title: str, **extra: Any) -> dict[str, Any]:
        return call_action("package_create", context={"user": sysadmin["name"]}, name=name, title=title,
                           owner_org=org["id"], **DATASET, **extra, resources=[{
                               "url": f"https://sach.gob.mx/datos/{name}.csv", "name": f"{title} (CSV)",
                               "format": "CSV"}])

    public = dataset("alumbrado-2024", "Alumbrado público 2024")
    private = dataset("alumbrado-interno", "Alumbrado (interno)", private=True)
    plain = dataset("baches-2024", "Baches 2024")
    load(sysadmin, public["resources"][0]["id"])
    load(sysadmin, private["resources"][0]["id"])
    from ckan.lib import jobs as ckan_jobs

    ckan_jobs.get_queue().empty()
    return {"sysadmin": sysadmin, "org": org, "public": public, "private": private, "plain": plain,
            "resource": public["resources"][0]}
