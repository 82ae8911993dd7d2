"""Obligation coverage against a hand-built catalogue."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.sach import vocab

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

N_2015 = sum(1 for o in vocab.items("obligations") if o["version"] == "lgtaip-2015")


@pytest.fixture
def catalogue(make_dataset):
    tes = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    dif = factories.Organization(name="dif", title="Sistema Municipal DIF")
    factories.Organization(name="contraloria", title="Contraloría Municipal")  # nothing published
    make_dataset(tes, transparency_obligations=["lgtaip-2015:70-XXI", "lgtaip-2015:70-I"])
    make_dataset(tes, transparency_obligations=["lgtaip-2015:70-XXI"])
    make_dataset(dif, transparency_obligations=["lgtaip-2015:70-XXI", "lgtaip-2025:65-XXI"])
    make_dataset(dif)  # no obligation
    # not counted: private, deleted, and a draft
    make_dataset(dif, private=True, transparency_obligations=["lgtaip-2015:70-II"])
    gone = make_dataset(tes, transparency_obligations=["lgtaip-2015:70-III"])
    tk.get_action("package_delete")({"ignore_auth": True, "user": factories.Sysadmin()["name"]}, {"id": gone["id"]})
    make_dataset(tes, state="draft", transparency_obligations=["lgtaip-2015:70-IV"])
    return {"tes": tes, "dif": dif}


def test_coverage_figures(app, catalogue, monkeypatch):
    calls = []
    real = tk.get_action

    def spy(name):
        if name == "package_search":
            calls.append(name)
        return real(name)

    monkeypatch.setattr(tk, "get_action", spy)
    data = app.get("/api/3/action/sach_obligation_coverage").json["result"]
    assert calls == ["package_search"]  # one faceted search, not one per row

    assert data["version"] == "lgtaip-2015" and data["provisional"] is False
    assert data["total_obligations"] == N_2015
    assert data["covered_obligations"] == 2
    assert data["percent"] == round(100 * 2 / N_2015, 1)
    assert data["public_datasets"] == 4
    rows = {o["value"]: o for o in data["obligations"]}
    assert len(rows) == N_2015
    assert rows["lgtaip-2015:70-XXI"]["datasets"] == 3
    assert rows["lgtaip-2015:70-XXI"]["dependencias"] == ["dif", "tesoreria"]
    assert rows["lgtaip-2015:70-I"]["datasets"] == 1 and rows["lgtaip-2015:70-I"]["dependencias"] == ["tesoreria"]
    for hidden in ("lgtaip-2015:70-II", "lgtaip-2015:70-III", "lgtaip-2015:70-IV"):
        assert rows[hidden]["datasets"] == 0 and rows[hidden]["dependencias"] == []
    deps = [(d["name"], d["title"], d["datasets"], d["obligations_covered"]) for d in data["dependencias"]]
    assert deps == [("dif", "Sistema Municipal DIF", 2, 1), ("tesoreria", "Tesorería Municipal", 2, 2)]
    assert data["dependencias"][1]["obligations"] == ["lgtaip-2015:70-I", "lgtaip-2015:70-XXI"]


def test_coverage_other_version_and_bad_version(app, catalogue):
    data = app.get("/api/3/action/sach_obligation_coverage", params={"version": "lgtaip-2025"}).json["result"]
    assert data["provisional"] is True and data["covered_obligations"] == 1
    assert [(d["name"], d["obligations_covered"]) for d in data["dependencias"]] == [("dif", 1), ("tesoreria", 0)]
    res = app.get("/api/3/action/sach_obligation_coverage", params={"version": "lgtaip-1900"}, status=409)
    assert "Versión" in res.json["error"]["version"][0]
    app.get("/transparencia/cobertura", params={"version": "lgtaip-1900"}, status=400)


def test_coverage_page(app, catalogue):
    page = app.get("/transparencia/cobertura").body
    assert '<svg class="sach-coverage-chart" role="img"' in page
    assert "Obligaciones cubiertas por dependencia" in page
    assert f"<strong>2</strong> de <strong>{N_2015}</strong>" in page
    assert '<th scope="row"><a href="/organization/tesoreria">Tesorería Municipal</a></th><td>2</td><td>2</td>' in page
    assert "sach_obligation_coverage" in page  # link to the same figures as JSON
