"""A small, realistic municipal catalogue created through the site's real schema.

Public datasets of two dependencias with every schema field, plus a private, a
draft and a deleted dataset and a dataset of another type, which must never
appear in any export.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.factories import dataset_payload

# Every field of the schema filled (the factory's ``complete`` trait); no name: each dataset gives its own.
FULL: dict[str, Any] = dataset_payload(complete=True, name=None, title="Presupuesto de egresos 2024")


def full_dataset(**overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(FULL)
    data.update(overrides)
    return data


def create(user: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return call_action("package_create", context={"user": user["name"]}, **fields)


@pytest.fixture(autouse=True)
def _no_link_scans(ckan_config: Any, monkeypatch: Any) -> None:
    """The catalogue's resources are links to sach.gob.mx: these tests are about the exports,
    not the personal-data scan of linked files (tests/privacy covers it)."""
    monkeypatch.setitem(ckan_config, "ckanext.sach.privacy.scan_links", False)


def _run_jobs() -> int:
    """Run every queued job in this process with a real RQ worker (burst); return how many."""
    from rq import SimpleWorker

    from ckan.lib import jobs as ckan_jobs

    queue = ckan_jobs.get_queue()
    count = queue.count
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    return count


@pytest.fixture
def run_jobs() -> Any:
    """The write-through jobs through a real RQ worker: call it to run what is queued."""
    return _run_jobs


@pytest.fixture
def catalogue(clean_db: Any, clean_index: Any) -> dict[str, Any]:
    from ckanext.sach.dcat import cache, orgs

    cache.clear()
    orgs.clear()
    sysadmin = factories.Sysadmin()
    member = factories.User(name="integrante")
    tesoreria = call_action(
        "organization_create", context={"user": sysadmin["name"]},
        name="tesoreria", title="Tesorería Municipal", org_type="dependencia", acronym="TM",
        email="tesoreria@sach.gob.mx", website="https://sach.gob.mx/tesoreria",
        users=[{"name": member["name"], "capacity": "member"}],
    )
    pc = call_action(
        "organization_create", context={"user": sysadmin["name"]},
        name="proteccion-civil", title="Dirección de Protección Civil", org_type="dependencia",
    )
    finanzas = factories.Group(name="finanzas-publicas", title="Finanzas públicas")
    public = [
        create(sysadmin, name="presupuesto-2024", owner_org=tesoreria["id"],
               groups=[{"name": finanzas["name"]}], **{k: v for k, v in FULL.items() if k != "title"},
               title=FULL["title"]),
        create(sysadmin, **full_dataset(
            name="atlas-riesgos", title="Atlas de riesgos", owner_org=pc["id"], sector="geoespacial",
            frequency="irregular", identifier="", language=["es"], transparency_obligations=[],
            spatial_coverage=[{"place": "21119"}], temporal_coverage=[], documentation=[],
            personal_data="no", personal_data_legal_basis="", quality_notes="",
            resources=[{"url": "https://sach.gob.mx/datos/atlas.geojson", "name": "Atlas",
                        "format": "GeoJSON"},
                       {"url": "https://sach.gob.mx/datos/atlas.kml", "name": "Atlas KML", "format": "KML"}])),
        create(sysadmin, **full_dataset(name="padron-comercios", title="Padrón de comercios",
                                        owner_org=tesoreria["id"], sector="economia", frequency="R/P1M")),
    ]
    private = create(sysadmin, **full_dataset(name="nomina-privada", title="Nómina (privado)",
                                              owner_org=tesoreria["id"], private=True))
    draft = create(sysadmin, **full_dataset(name="borrador-obras", title="Obras (borrador)",
                                            owner_org=tesoreria["id"], state="draft"))
    deleted = create(sysadmin, **full_dataset(name="eliminado-2019", title="Eliminado 2019",
                                              owner_org=tesoreria["id"]))
    call_action("package_delete", context={"user": sysadmin["name"]}, id=deleted["id"])
    from ckan.lib import jobs as ckan_jobs

    ckan_jobs.get_queue().empty()  # the fixture's own write-through jobs: tests run what they need
    return {
        "sysadmin": sysadmin, "member": member, "orgs": {"tesoreria": tesoreria, "pc": pc},
        "group": finanzas, "public": public, "private": private, "draft": draft, "deleted": deleted,
        "hidden": [private, draft, deleted],
    }


