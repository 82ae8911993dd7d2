"""A small Spanish catalogue built once per test module, searched by many tests.

The backend is schema-agnostic (it indexes what CKAN's index preparation hands it), so these
tests use CKAN's core dataset schema with free extras, tags, groups, a tag vocabulary and resources:
every kind of indexed field appears without depending on the site's scheming schema.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

import ckan.model as model
import ckan.plugins as p
from ckan.common import config
from ckan.tests import factories
from ckan.tests.helpers import call_action

PLUGINS = "sach_pgsearch"


@contextlib.contextmanager
def plugins_loaded(names: str) -> Iterator[None]:
    """Load plugins outside a test function (module-scoped fixtures)."""
    previous = config.get("ckan.plugins")
    config["ckan.plugins"] = names.split()
    p.load_all()
    try:
        yield
    finally:
        p.unload_all()
        config["ckan.plugins"] = previous


def _dataset(user: dict[str, Any], **fields: Any) -> dict[str, Any]:
    context = {"user": user["name"], "ignore_auth": True}
    return call_action("package_create", context=context, **fields)


@pytest.fixture(scope="module")
def catalogue(reset_db: Any, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Five public datasets plus private, draft and deleted ones; returns names, users, orgs.

    Built with the plugins named by the test module's `CATALOGUE_PLUGINS` (default `PLUGINS`).
    """
    reset_db()
    with plugins_loaded(getattr(request.module, "CATALOGUE_PLUGINS", PLUGINS)):
        sysadmin = factories.Sysadmin()
        creator = factories.User(name="capturista")
        colleague = factories.User(name="colega")
        outsider = factories.User(name="ciudadano")
        members = [
            {"name": creator["name"], "capacity": "editor"},
            {"name": colleague["name"], "capacity": "editor"},
        ]
        tesoreria = factories.Organization(
            name="tesoreria", title="Tesorería Municipal", users=members
        )
        proteccion = factories.Organization(
            name="proteccion-civil", title="Dirección de Protección Civil"
        )
        dif = factories.Organization(name="dif", title="Sistema Municipal DIF")
        for name, title in (
            ("finanzas", "Finanzas"),
            ("seguridad", "Seguridad"),
            ("salud", "Salud"),
        ):
            factories.Group(name=name, title=title)
        sectores = call_action(
            "vocabulary_create",
            context={"user": sysadmin["name"]},
            name="sectores",
            tags=[{"name": "economia"}, {"name": "salud"}],
        )
        admin = sysadmin

        def vocab(*names: str) -> list[dict[str, str]]:
            return [{"name": n, "vocabulary_id": sectores["id"]} for n in names]

        created = {}
        created["presupuesto-egresos-2023"] = _dataset(
            admin,
            name="presupuesto-egresos-2023",
            title="Presupuesto de egresos 2023",
            notes="Presupuesto municipal aprobado por el Cabildo para el ejercicio fiscal.",
            owner_org=tesoreria["id"],
            license_id="cc-by",
            tags=[{"name": "presupuesto"}, {"name": "finanzas-publicas"}, *vocab("economia")],
            groups=[{"name": "finanzas"}],
            extras=[{"key": "frecuencia", "value": "anual"}, {"key": "anio", "value": "2023"}],
            resources=[
                {"url": "http://datos.example/egresos.csv", "format": "CSV",
                 "name": "Egresos por capítulo"},
                {"url": "http://datos.example/egresos.json", "format": "JSON",
                 "name": "Egresos API"},
            ],
        )
        created["ingresos-municipales"] = _dataset(
            admin,
            name="ingresos-municipales",
            title="Ingresos municipales 2022",
            notes="Ley de ingresos y recaudación del impuesto predial.",
            owner_org=tesoreria["id"],
            license_id="odc-odbl",
            tags=[{"name": "ingresos"}, {"name": "finanzas-publicas"}],
            groups=[{"name": "finanzas"}],
            extras=[{"key": "frecuencia", "value": "mensual"}, {"key": "anio", "value": "2022"}],
            resources=[{"url": "http://datos.example/ingresos.xlsx", "format": "XLSX",
                        "name": "Ingresos"}],
        )
        created["atlas-riesgos"] = _dataset(
            admin,
            name="atlas-riesgos",
            title="Atlas de riesgos naturales",
            notes="Zonas de inundación y deslave en San Andrés Cholula. "
            "Budget for civil protection works.",
            owner_org=proteccion["id"],
            license_id="cc-by",
            tags=[{"name": "riesgos"}, {"name": "geografia"}],
            groups=[{"name": "seguridad"}],
            extras=[{"key": "frecuencia", "value": "irregular"}],
            resources=[
                {"url": "http://datos.example/atlas.shp", "format": "SHP", "name": "Capas"},
                {"url": "http://datos.example/atlas.geojson", "format": "GeoJSON",
                 "name": "Zonas"},
            ],
        )
        created["consultas-dif"] = _dataset(
            admin,
            name="consultas-dif",
            title="Consultas médicas del DIF",
            notes="Servicios de salud con presupuesto del DIF para familias.",
            owner_org=dif["id"],
            license_id="cc-zero",
            tags=[{"name": "salud"}, *vocab("salud")],
            groups=[{"name": "salud"}],
            extras=[{"key": "frecuencia", "value": "trimestral"}, {"key": "anio", "value": "2021"}],
            resources=[{"url": "http://datos.example/consultas.csv", "format": "CSV",
                        "name": "Consultas"}],
        )
        created["padron-proveedores"] = _dataset(
            admin,
            name="padron-proveedores",
            title="Padrón de proveedores",
            notes="Proveedores registrados ante la Tesorería.",
            owner_org=tesoreria["id"],
            license_id="other-open",
            tags=[{"name": "presupuesto"}, {"name": "compras"}],
            extras=[{"key": "anio", "value": "2020"}],
            resources=[{"url": "http://datos.example/padron.csv", "format": "CSV",
                        "name": "Padrón"}],
        )
        created["nomina-privada"] = _dataset(
            admin,
            name="nomina-privada",
            title="Nómina y presupuesto interno",
            notes="Datos internos de la Tesorería.",
            owner_org=tesoreria["id"],
            private=True,
            tags=[{"name": "presupuesto"}],
        )
        created["borrador-presupuesto"] = _dataset(
            creator,
            name="borrador-presupuesto",
            title="Borrador del presupuesto participativo",
            notes="Versión preliminar.",
            owner_org=tesoreria["id"],
            state="draft",
            tags=[{"name": "presupuesto"}],
        )
        created["obras-borradas"] = _dataset(
            admin,
            name="obras-borradas",
            title="Obras públicas con presupuesto cancelado",
            notes="Registro eliminado.",
            owner_org=tesoreria["id"],
            tags=[{"name": "presupuesto"}],
        )
        call_action(
            "package_delete", context={"user": admin["name"]}, id="obras-borradas"
        )
        model.Session.remove()
    return {
        "datasets": created,
        "sysadmin": sysadmin,
        "creator": creator,
        "colleague": colleague,
        "outsider": outsider,
        "orgs": {"tesoreria": tesoreria, "proteccion-civil": proteccion, "dif": dif},
    }


PUBLIC = {
    "presupuesto-egresos-2023",
    "ingresos-municipales",
    "atlas-riesgos",
    "consultas-dif",
    "padron-proveedores",
}


def search(user: dict[str, Any] | None = None, **params: Any) -> dict[str, Any]:
    """package_search as `user` (anonymous when None), through CKAN's permission labels."""
    context: dict[str, Any] = {"ignore_auth": False}
    if user is not None:
        context["user"] = user["name"]
    else:
        context["user"] = ""
    return call_action("package_search", context=context, **params)


def names(result: dict[str, Any]) -> list[str]:
    return [r["name"] for r in result["results"]]
