"""The /gobierno-abierto sections: content managed in CKAN, shown publicly."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.helpers import login

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PAGES = [
    "/gobierno-abierto/",
    "/gobierno-abierto/informacion-util",
    "/gobierno-abierto/datos-abiertos",
    "/gobierno-abierto/ayuntamiento-abierto",
    "/gobierno-abierto/participacion",
]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("url", PAGES)
def test_every_page_works_empty_for_citizens(app, url):
    res = app.get(url)
    assert res.status_code == 200
    assert '<main id="content"' in res.body
    assert "Gobierno Abierto y Vinculación con la Sociedad Civil" in res.body
    # one h1 per page
    assert len(re.findall(r"<h1[\s>]", res.body)) == 1
    # citizens see no management links
    assert "Administrar contenido del micrositio" not in res.body


def test_section_nav_marks_current_page(app):
    body = app.get("/gobierno-abierto/datos-abiertos").body
    assert re.search(r'href="/gobierno-abierto/datos-abiertos" aria-current="page">Datos abiertos<', body)


def test_informacion_util_cards_and_filters(app, make_dataset, make_content):
    org = factories.Organization(title="Tesorería Municipal")
    ds = make_dataset(org, name="predial-2024", title="Recaudación del predial 2024")
    make_content(
        "informacion_util", org, title="Cómo pagar el predial en línea",
        notes="Paga el **impuesto predial** desde casa.", topic="finanzas-publicas",
        audience=["ciudadania", "personas_mayores"], info_date="2025-01-20",
        related_datasets=ds["name"],
        related_links=[{"label": "Portal de pagos", "url": "https://pagos.sach.gob.mx"}],
    )
    make_content(
        "informacion_util", org, title="Becas para estudiantes",
        topic="desarrollo-social", audience=["estudiantes"], info_date="2025-02-01",
    )

    body = app.get("/gobierno-abierto/informacion-util").body
    text = _text(body)
    assert "2 fichas" in text
    assert "Cómo pagar el predial en línea" in text and "Becas para estudiantes" in text
    assert "<strong>impuesto predial</strong>" in body
    assert "Tesorería Municipal" in text
    assert 'href="/dataset/predial-2024"' in body
    assert 'href="https://pagos.sach.gob.mx">Portal de pagos<' in body
    assert "Personas mayores" in text

    body = app.get("/gobierno-abierto/informacion-util", query_string={"publico": "estudiantes"}).body
    assert "1 ficha" in _text(body)
    assert "Becas para estudiantes" in body and "Cómo pagar el predial en línea" not in body

    body = app.get("/gobierno-abierto/informacion-util", query_string={"tema": "finanzas-publicas"}).body
    assert "Cómo pagar el predial en línea" in body and "Becas para estudiantes" not in body

    body = app.get("/gobierno-abierto/informacion-util",
                   query_string={"tema": "finanzas-publicas", "publico": "estudiantes"}).body
    assert "No hay fichas con esos filtros." in body


def test_informacion_util_rejects_unknown_related_dataset(make_content):
    org = factories.Organization()
    with pytest.raises(tk.ValidationError) as err:
        make_content("informacion_util", org, related_datasets="no-existe")
    assert "no-existe" in str(err.value.error_dict["related_datasets"])


def test_datos_abiertos_plan_progress_per_dependencia(app, make_dataset, make_content):
    tesoreria = factories.Organization(name="tesoreria", title="Tesorería Municipal")
    dif = factories.Organization(name="dif", title="Sistema Municipal DIF")
    ds = make_dataset(tesoreria, name="ingresos-2024", title="Ingresos 2024")
    make_content("plan_publicacion", tesoreria, title="Ingresos mensuales",
                 plan_status="publicado", published_dataset=ds["name"])
    make_content("plan_publicacion", tesoreria, title="Deuda pública", plan_status="en_preparacion",
                 target_date="2025-12-31")
    make_content("plan_publicacion", dif, title="Padrón de beneficiarios", plan_status="no_publicable",
                 reason="Contiene datos personales de menores de edad.")
    make_content("plan_publicacion", dif, title="Centros de atención", plan_status="en_preparacion")

    body = app.get("/gobierno-abierto/datos-abiertos").body
    text = _text(body)
    # Tesorería: 1 of 2 publishable published; DIF: 0 of 1 publishable
    assert "Avance de Tesorería Municipal: 50 %" in text
    assert "Avance de Sistema Municipal DIF: 0 %" in text
    assert "Avance general: 33 %" in text
    assert '<a href="/dataset/ingresos-2024">Ingresos mensuales</a>' in body
    assert "Motivo: Contiene datos personales de menores de edad." in text
    assert "No publicable" in text and "En preparación" in text and "Publicado" in text
    # calendar dates are shown as entered, never shifted by the time zone
    assert "31 de diciembre de 2025" in text
    # developers' links
    for link in ("/api/3/action/package_search", "/catalog.ttl", "/data.json"):
        assert link in body


def test_plan_not_publishable_requires_reason(make_content):
    org = factories.Organization()
    with pytest.raises(tk.ValidationError) as err:
        make_content("plan_publicacion", org, plan_status="no_publicable", reason="  ")
    assert "Explique por qué no es publicable" in str(err.value.error_dict["reason"])


def test_datos_abiertos_shows_officer_texts(app, make_content):
    org = factories.Organization()
    make_content("texto_micrositio", org, title="Principios de la estrategia", section="datos_abiertos",
                 notes="1. **Abiertos por defecto**", position=1)
    body = app.get("/gobierno-abierto/datos-abiertos").body
    assert "Principios de la estrategia" in body
    assert "<strong>Abiertos por defecto</strong>" in body


def test_ayuntamiento_abierto_activities_week_materials_results(app, make_dataset, make_content):
    org = factories.Organization(title="Coordinación General de Transparencia")
    ds = make_dataset(org, name="resultados-consulta-escolar", title="Resultados de la consulta escolar 2025")
    make_content("actividad_escolar", org, title="Taller: ¿qué hace tu ayuntamiento?",
                 school="Secundaria Técnica 55", school_level="secundaria",
                 activity_date="2025-03-10", participants=45, result_datasets=ds["name"],
                 resources=[{"name": "Guía del taller", "url": "https://sach.gob.mx/guia.pdf", "format": "PDF"}])
    make_content("actividad_escolar", org, title="Cabildo juvenil", activity_kind="semana",
                 school="Bachillerato General Oficial", school_level="bachillerato",
                 activity_date="2025-05-20", participants=30)

    body = app.get("/gobierno-abierto/ayuntamiento-abierto").body
    text = _text(body)
    figures = re.findall(r'class="sach-figure">(\d+)<', body)
    assert figures == ["2", "2", "75"]  # activities, schools, participants
    campaign = text.split("Actividades de la campaña en escuelas")[2].split("Programa de la Semana")[0]
    assert "Taller: ¿qué hace tu ayuntamiento?" in campaign and "Secundaria Técnica 55" in campaign
    week = text.split("Programa de la Semana de Ayuntamiento Abierto")[2]
    assert "Cabildo juvenil" in week and "Bachillerato" in week
    assert 'href="https://sach.gob.mx/guia.pdf"' in body
    assert "Descargar Guía del taller (PDF)" in text
    assert "Resultados de la consulta escolar 2025" in text
    assert 'href="/dataset/resultados-consulta-escolar"' in body


def test_officer_manages_content_and_revisions_are_kept(app, officer_setup, make_content):
    org, officer = officer_setup["org"], officer_setup["officer"]
    login(app, officer)
    body = app.get("/gobierno-abierto/").body
    assert "Administrar contenido del micrositio" in body
    # the scheming form for a card, in Spanish
    form = app.get("/informacion_util/new").body
    assert "¿Para quién?" in form and "Conjuntos de datos relacionados" in form

    context = {"user": officer["name"]}
    card = make_content("informacion_util", org, context=context, title="Horario de atención")
    tk.get_action("package_patch")(context, {"id": card["id"], "title": "Horarios de atención"})
    activities = tk.get_action("package_activity_list")({"user": officer["name"]}, {"id": card["id"]})
    assert [a["activity_type"] for a in activities] == ["changed package", "new package"]
    assert "Horarios de atención" in app.get("/gobierno-abierto/informacion-util").body


def test_citizen_cannot_create_or_edit_content(app, officer_setup, make_content):
    citizen, org = officer_setup["citizen"], officer_setup["org"]
    card = make_content("informacion_util", org, title="Ficha oficial")
    with pytest.raises(tk.NotAuthorized):
        make_content("informacion_util", org, context={"user": citizen["name"]})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("package_patch")({"user": citizen["name"]}, {"id": card["id"], "title": "Vandalismo"})
    login(app, citizen)
    assert app.get("/informacion_util/new").status_code == 403
    assert app.get(f"/informacion_util/edit/{card['name']}").status_code == 403
    assert "Administrar contenido del micrositio" not in app.get("/gobierno-abierto/").body


def test_private_microsite_content_is_not_shown(app, make_content):
    org = factories.Organization()
    make_content("informacion_util", org, title="Ficha en borrador privada", private=True)
    assert "Ficha en borrador privada" not in app.get("/gobierno-abierto/informacion-util").body


def test_demo_microsite_command_is_idempotent(cli, app):
    from ckan.cli.cli import ckan

    result = cli.invoke(ckan, ["sach", "demo-microsite"])
    assert result.exit_code == 0, result.output
    assert "microsite: " in result.output and "0 already present" in result.output
    again = cli.invoke(ckan, ["sach", "demo-microsite"])
    assert again.exit_code == 0, again.output
    assert "microsite: 0 created" in again.output
    text = _text(app.get("/gobierno-abierto/informacion-util").body)
    assert "Cómo pagar el impuesto predial" in text
    text = _text(app.get("/gobierno-abierto/datos-abiertos").body)
    assert "Abiertos por defecto." in text and "Expedientes de atención a menores" in text
    text = _text(app.get("/gobierno-abierto/ayuntamiento-abierto").body)
    assert "Cabildo juvenil" in text and "Descargar Guía del taller (TXT)" in text
    text = _text(app.get("/gobierno-abierto/participacion").body)
    assert "Horarios de recolección de basura por colonia" in text and "ejemplo@example.com" not in text


def test_informacion_util_paginates_cards(app, make_content):
    org = factories.Organization()
    for i in range(25):
        make_content("informacion_util", org, title=f"Ficha número {i:02d}", info_date=f"2025-01-{i + 1:02d}")
    first = app.get("/gobierno-abierto/informacion-util").body
    assert "25 fichas" in _text(first)
    assert first.count('class="sach-info-card"') == 24
    assert "Ficha número 24" in first and "Ficha número 00" not in first
    second = app.get("/gobierno-abierto/informacion-util", query_string={"page": 2}).body
    assert second.count('class="sach-info-card"') == 1 and "Ficha número 00" in second
    # the page links keep the filters and say which page is shown
    filtered = app.get("/gobierno-abierto/informacion-util",
                       query_string={"tema": "finanzas-publicas", "page": 2}).body
    assert ('<a class="page-link" href="/gobierno-abierto/informacion-util?page=1&amp;tema=finanzas-publicas">1</a>'
            in filtered)
    assert ('<a class="page-link" href="/gobierno-abierto/informacion-util?page=2&amp;tema=finanzas-publicas"'
            ' aria-current="page">2</a>' in filtered)
    assert 'aria-current="page">1</a>' not in filtered
    # a page past the last one shows the last page, not an empty list
    past = app.get("/gobierno-abierto/informacion-util", query_string={"page": 7}).body
    assert past.count('class="sach-info-card"') == 1 and "Ficha número 00" in past
    assert 'aria-current="page">2</a>' in past
