"""Quality in the search index, on pages and in `ckan sach check`."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories

from ckanext.sach import dates

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

TODAY = dt.date(2025, 7, 15)


@pytest.fixture
def catalogue(make_dataset, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    org = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    other = factories.Organization(name="dif", title="Sistema Municipal DIF")
    return {
        "org": org,
        "other": other,
        "current": make_dataset(org, name="anual-al-dia", frequency="R/P1Y", modified="2024-07-15"),
        "due": make_dataset(org, name="mensual-por-actualizar", frequency="R/P1M", modified="2025-06-10",
                            resources=[{"url": "https://x.mx/a.xlsx", "name": "Hoja", "format": "XLSX"}]),
        "overdue": make_dataset(other, name="diario-atrasado", frequency="R/P1D", modified="2025-07-01",
                                data_dictionary_url="",
                                resources=[{"url": "https://x.mx/a.pdf", "name": "Informe", "format": "PDF"},
                                           {"url": "https://x.mx/dic.csv", "name": "Diccionario", "format": "CSV",
                                            "resource_role": "data_dictionary"}]),
        "irregular": make_dataset(other, name="irregular", frequency="irregular", modified="2020-01-01",
                                  resources=[{"url": "https://x.mx/a.rdf", "name": "RDF", "format": "RDF"}]),
        "private": make_dataset(other, name="privado-sin-diccionario", private=True, data_dictionary_url="",
                                modified="2025-01-01",
                                url=""),
    }


def _search(**params):
    sysadmin = factories.Sysadmin()
    params.setdefault("include_private", True)
    params.setdefault("rows", 100)
    return tk.get_action("package_search")({"user": sysadmin["name"]}, params)


def _names(result):
    return sorted(d["name"] for d in result["results"])


def test_citizens_filter_by_freshness_stars_and_dictionary(app, catalogue):
    assert _names(_search(fq="freshness:overdue")) == ["diario-atrasado"]
    assert _names(_search(fq="freshness:due")) == ["mensual-por-actualizar"]
    assert _names(_search(fq="freshness:current")) == ["anual-al-dia", "privado-sin-diccionario"]
    assert _names(_search(fq="freshness:not_applicable")) == ["irregular"]
    assert _names(_search(fq="openness_stars:[3 TO *]")) == ["anual-al-dia", "irregular",
                                                             "privado-sin-diccionario"]
    assert _names(_search(fq="has_dictionary:false")) == ["privado-sin-diccionario"]
    assert _names(_search(fq="quality_completeness:[0 TO 99]")) == ["privado-sin-diccionario"]
    # the public search page: facet with Spanish labels, private dataset hidden
    res = app.get("/dataset/", params={"freshness": "overdue"})
    assert "diario-atrasado" in res.body and "anual-al-dia" not in res.body
    facets = app.get("/api/3/action/package_search",
                     params={"facet.field": '["freshness"]', "fq": "+dataset_type:dataset"}).json["result"]
    items = {i["name"]: i for i in facets["search_facets"]["freshness"]["items"]}
    assert items["overdue"]["count"] == 1 and items["overdue"]["display_name"] == "Desactualizado"
    assert items["current"]["count"] == 1  # the private one is not counted for citizens


def test_quality_snippet(app, catalogue):
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": "diario-atrasado"})
    with app.flask_app.test_request_context():
        html = tk.render_snippet("sach/snippets/quality.html", {"pkg": pkg})
    assert "Desactualizado" in html
    assert "★☆☆☆☆" in html  # PDF: one star; the dictionary resource does not count
    assert "Diccionario de datos" in html and "Sí" in html
    assert "datos-personales" not in html  # the officers' link needs edit rights
    with app.flask_app.test_request_context():
        html = tk.render_snippet("sach/snippets/quality.html", {
            "pkg": tk.get_action("package_show")({"ignore_auth": True}, {"id": "privado-sin-diccionario"})})
    assert "Página de documentación o diccionario de datos" in html


def test_ckan_sach_check_prints_per_dependencia(cli, catalogue):
    result = cli.invoke(ckan_cli, ["sach", "check"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Sistema Municipal DIF") < out.index("Tesorería Municipal")
    assert "== Tesorería Municipal (tesoreria): 2 conjuntos" in out
    assert "== Sistema Municipal DIF (dif): 3 conjuntos" in out
    assert "- diario-atrasado: 100% ★ desactualizado (tocaba 2025-07-02)" in out
    assert "- privado-sin-diccionario:" in out and "falta: landing_page" in out
    result = cli.invoke(ckan_cli, ["sach", "check", "-o", "tesoreria"])
    assert "Sistema Municipal DIF" not in result.output and "anual-al-dia" in result.output
    result = cli.invoke(ckan_cli, ["sach", "check", "-o", "no-existe"])
    assert result.exit_code != 0 and "no encontrada" in result.output


def test_check_reindex_refreshes_freshness(cli, catalogue, monkeypatch):
    assert _names(_search(fq="freshness:overdue")) == ["diario-atrasado"]
    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 1, 1))
    result = cli.invoke(ckan_cli, ["sach", "check", "--reindex"])
    assert result.exit_code == 0, result.output
    # the yearly one (due 2025-07-15, grace 91 days) and the monthly one became overdue;
    # the private yearly one is due on 2026-01-01 itself: still current
    assert "reindexados: 2" in result.output
    assert _names(_search(fq="freshness:overdue")) == ["anual-al-dia", "diario-atrasado",
                                                       "mensual-por-actualizar"]
    assert _names(_search(fq="freshness:current")) == ["privado-sin-diccionario"]


def test_officers_see_their_own_dependencia(app, catalogue):
    app.get("/calidad", status=403)
    editor = factories.User()
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": catalogue["other"]["id"], "username": editor["name"], "role": "editor"})
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
    page = app.get("/calidad", headers=headers).body
    assert "diario-atrasado" in page and "privado-sin-diccionario" in page
    assert "anual-al-dia" not in page
    outsider = factories.User()
    app.get("/calidad", headers={"Authorization": factories.APIToken(user=outsider["name"])["token"]},
            status=403)
