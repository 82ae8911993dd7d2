"""Search facets: dependencia, tema, sector, frecuencia, cobertura, formato, licencia in Spanish."""
from __future__ import annotations

import html

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def catalogue(make_dataset):
    org = factories.Organization(name="tesoreria-municipal", title="Tesorería Municipal")
    factories.Group(name="finanzas-publicas", title="Finanzas públicas")
    make_dataset(org["id"], name="presupuesto", groups=[{"name": "finanzas-publicas"}])
    make_dataset(org["id"], name="apoyos", sector="desarrollo-sostenible", frequency="R/P3M",
                 spatial_coverage=[{"place": "san-rafael-comac"}, {"place": "santa-maria-tonantzintla"}],
                 transparency_obligations=["lgtaip-2015:70-XV"], language=["es", "nah"])
    return org


def test_index_keys_filter_like_any_field(catalogue):
    search = tk.get_action("package_search")

    def names(fq: str) -> list[str]:
        return sorted(d["name"] for d in search({"ignore_auth": True}, {"fq": fq})["results"])

    assert names("sector:desarrollo-sostenible") == ["apoyos"]
    assert names('frequency:"R/P1Y"') == ["presupuesto"]
    assert names("place:san-rafael-comac") == ["apoyos"]
    assert names("place:21119") == ["presupuesto"]
    assert names('obligation:"lgtaip-2015:70-XXI"') == ["presupuesto"]
    assert names("language:nah") == ["apoyos"]
    assert names("res_role:data") == ["apoyos", "presupuesto"]


def test_searching_a_place_name_finds_the_dataset(catalogue):
    found = tk.get_action("package_search")({"ignore_auth": True}, {"q": "Tonantzintla"})
    assert [d["name"] for d in found["results"]] == ["apoyos"]


def test_facet_items_carry_vocabulary_labels(catalogue):
    result = tk.get_action("package_search")({"ignore_auth": True}, {
        "facet.field": '["sector", "frequency", "place"]'})
    facets = result["search_facets"]
    sectors = {i["name"]: i["display_name"] for i in facets["sector"]["items"]}
    assert sectors == {"finanzas-y-contrataciones": "Finanzas y Contrataciones",
                       "desarrollo-sostenible": "Desarrollo Sostenible"}
    places = {i["name"]: i["display_name"] for i in facets["place"]["items"]}
    assert places["san-rafael-comac"] == "San Rafael Comac"
    assert {i["display_name"] for i in facets["frequency"]["items"]} == {"Anual", "Trimestral"}


def test_search_page_shows_spanish_facets_and_labels(app, catalogue):
    res = app.get("/dataset/")
    assert res.status_code == 200
    body = html.unescape(res.body)
    for title in ("Dependencias", "Temas", "Sectores", "Frecuencia de actualización",
                  "Cobertura geográfica", "Formatos", "Licencias"):
        assert title in body, title
    for label in ("Finanzas y Contrataciones", "Trimestral", "San Rafael Comac", "Tesorería Municipal",
                  "Finanzas públicas", "Términos de Libre Uso MX"):
        assert label in body, label
    res = app.get("/dataset/?place=san-rafael-comac")
    body = html.unescape(res.body)
    assert "/dataset/apoyos" in body and "/dataset/presupuesto" not in body
