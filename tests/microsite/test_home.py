"""Home page, theme and the /dataset search through CKAN's test app."""
from __future__ import annotations

import re
from unittest import mock

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.sach.home import content

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_lists_temas_dependencias_with_counts_and_newest(app, make_dataset):
    tesoreria = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    dif = factories.Organization(name="dif", title="Sistema Municipal DIF")
    group = factories.Group(name="finanzas-publicas", title="Finanzas públicas")
    make_dataset(tesoreria, title="Presupuesto de egresos 2024", groups=[{"name": group["name"]}])
    make_dataset(tesoreria, title="Ingresos municipales 2024", groups=[{"name": group["name"]}])
    make_dataset(dif, title="Padrón de apoyos alimentarios anonimizado")

    res = app.get("/")
    assert res.status_code == 200
    text = _text(res.body)
    assert "Datos abiertos de San Andrés Cholula" in text
    assert "Tesorería Municipal 2 conjuntos" in text
    assert "Sistema Municipal DIF 1 conjunto" in text
    assert "Finanzas públicas 2 conjuntos" in text
    assert "Padrón de apoyos alimentarios anonimizado" in text
    # figures: 3 datasets, 2 dependencias, 1 tema, 1 format (CSV)
    figures = re.findall(r'class="sach-figure">(\d+)<', res.body)
    assert figures == ["3", "2", "1", "1"]
    # the search box sends to the dataset search
    assert re.search(r'<form class="sach-home-search" action="/dataset/?"', res.body)


def test_home_hides_private_draft_and_microsite_content(app, make_dataset, make_content):
    org = factories.Organization(title="Tesorería Municipal")
    make_dataset(org, title="Conjunto público visible")
    make_dataset(org, title="Conjunto privado oculto", private=True)
    make_content("informacion_util", org, title="Ficha que no es un conjunto")

    body = app.get("/").body
    assert "Conjunto público visible" in body
    assert "Conjunto privado oculto" not in body
    assert "Ficha que no es un conjunto" not in body
    assert re.findall(r'class="sach-figure">(\d+)<', body)[0] == "1"


def test_home_is_cached_and_invalidated_by_dataset_changes(app, make_dataset):
    org = factories.Organization()
    make_dataset(org, title="Primer conjunto")
    calls = []
    real = content.public_search

    def counting(data_dict):
        calls.append(data_dict)
        return real(data_dict)

    with mock.patch.object(content, "public_search", counting):
        app.get("/")
        app.get("/")
        assert len(calls) == 1, "the home page runs one search, then serves the cache"
        make_dataset(org, title="Segundo conjunto")
        body = app.get("/").body
        assert len(calls) == 2
    assert "Segundo conjunto" in body


def test_featured_datasets_come_from_config(app, make_dataset, ckan_config, monkeypatch):
    org = factories.Organization()
    make_dataset(org, name="destacado-uno", title="Destacado uno")
    make_dataset(org, name="otro", title="Otro conjunto")
    monkeypatch.setitem(ckan_config, "ckanext.sach.home.featured_datasets", ["destacado-uno"])
    body = app.get("/").body
    featured = body.split('id="featured-title"')[1]
    assert "Destacado uno" in featured
    assert "Otro conjunto" not in featured


def test_dataset_search_only_lists_datasets(app, make_dataset, make_content):
    org = factories.Organization(name="transparencia")
    make_dataset(org, title="Obra pública 2024")
    make_content("informacion_util", org, title="Cómo pagar el predial")
    make_content("plan_publicacion", org, title="Padrón de mercados planeado")

    body = app.get("/dataset/").body
    assert "Obra pública 2024" in body
    assert "Cómo pagar el predial" not in body
    assert "Padrón de mercados planeado" not in body
    # the dependencia page does not count microsite content either
    org_body = app.get("/organization/transparencia").body
    assert "Obra pública 2024" in org_body
    assert "Cómo pagar el predial" not in org_body
    # the API without an explicit type returns only datasets ...
    result = tk.get_action("package_search")({}, {"q": "*:*"})
    assert [p["type"] for p in result["results"]] == ["dataset"]
    # ... and with it, the microsite type
    result = tk.get_action("package_search")({}, {"fq": "+dataset_type:informacion_util"})
    assert [p["title"] for p in result["results"]] == ["Cómo pagar el predial"]


def test_search_from_home_and_filter_by_facet(app, make_dataset):
    tesoreria = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    dif = factories.Organization(name="dif", title="Sistema Municipal DIF")
    make_dataset(tesoreria, title="Presupuesto de egresos 2024")
    make_dataset(dif, title="Presupuesto del DIF 2024")
    make_dataset(dif, title="Apoyos alimentarios", notes="Apoyos entregados por el DIF.",
                 tag_string="apoyos", data_dictionary_url="https://sach.gob.mx/datos/dic-apoyos.csv",
                 resources=[{"url": "https://sach.gob.mx/datos/apoyos.csv", "name": "Apoyos", "format": "CSV"}])

    body = app.get("/dataset/", query_string={"q": "presupuesto"}).body
    assert "Presupuesto de egresos 2024" in body and "Presupuesto del DIF 2024" in body
    assert "Apoyos alimentarios" not in body
    body = app.get("/dataset/", query_string={"q": "presupuesto", "organization": "dif"}).body
    assert "Presupuesto del DIF 2024" in body
    assert "Presupuesto de egresos 2024" not in body


def test_theme_is_spanish_with_identity_footer_and_skip_link(app):
    body = app.get("/").body
    assert '<html lang="es"' in body
    assert 'class="sach-skip-link" href="#content">Saltar al contenido principal<' in body
    assert '<main id="content"' in body
    footer = body.split("<footer")[1]
    assert "Coordinación General de Transparencia" in footer
    assert "transparencia@sach.gob.mx" in footer
    assert "https://datos.gob.mx/libreusomx/" in footer
    assert "Plataforma Nacional de Transparencia" in footer
    # main navigation in Spanish
    nav = body.split('id="main-navigation-toggle"')[1].split("</ul>")[0]
    for label in ("Datos", "Dependencias", "Temas", "Gobierno Abierto", "Acerca de"):
        assert f">{label}</a>" in nav


def test_home_is_served_with_redis_unreachable(app, make_dataset, ckan_config, monkeypatch):
    """The page cache is optional: with Redis gone the home page is computed and served."""
    import socket

    import ckan.lib.redis as ckan_redis

    org = factories.Organization(title="Tesorería Municipal")
    make_dataset(org, title="Presupuesto de egresos 2024")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    monkeypatch.setitem(ckan_config, "ckan.redis.url", f"redis://127.0.0.1:{closed_port}/0")
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    try:
        res = app.get("/")
    finally:
        ckan_redis._connection_pool = None
    assert res.status_code == 200
    assert "Presupuesto de egresos 2024" in _text(res.body)
