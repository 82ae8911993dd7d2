"""The dataset page: municipal fields in Spanish, citation, downloads, DCAT/API links."""
from __future__ import annotations

import re

import pytest

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_dataset_page_cites_under_libre_uso_mx(app, make_dataset):
    org = factories.Organization(title="Tesorería Municipal")
    make_dataset(org, name="presupuesto-2024", title="Presupuesto de egresos 2024")
    body = app.get("/dataset/presupuesto-2024").body
    text = _text(body)
    from ckanext.sach.helpers import sach_today

    today = sach_today().strftime("%d/%m/%Y")  # the consultation date where the site is
    cite = text.split("Cómo citar este conjunto de datos")[1]
    assert "Términos de Libre Uso MX" in cite
    expected = (
        "Presupuesto de egresos 2024. Tesorería Municipal, Ayuntamiento de San Andrés Cholula. "
        f"Disponible en: http://test.ckan.net/dataset/presupuesto-2024 (fecha de consulta: {today})."
    )
    assert expected in cite


def test_dataset_page_download_buttons_and_machine_links(app, make_dataset):
    org = factories.Organization()
    make_dataset(org, name="obra-publica", resources=[
        {"url": "https://sach.gob.mx/datos/obras.csv", "name": "Obras 2024", "format": "CSV"},
        {"url": "https://sach.gob.mx/datos/obras.geojson", "name": "Obras (mapa)", "format": "GeoJSON"},
    ])
    body = app.get("/dataset/obra-publica").body
    downloads = re.findall(r'<a class="btn btn-primary resource-url-analytics sach-download" href="([^"]+)"', body)
    assert downloads == ["https://sach.gob.mx/datos/obras.csv", "https://sach.gob.mx/datos/obras.geojson"]
    assert 'Descargar<span class="visually-hidden"> Obras 2024</span> CSV' in body
    for suffix in (".ttl", ".rdf", ".jsonld"):
        assert f'href="http://test.ckan.net/dataset/obra-publica{suffix}"' in body
    assert 'href="http://test.ckan.net/api/3/action/package_show?id=obra-publica"' in body
    # the links work
    assert app.get("/api/3/action/package_show", query_string={"id": "obra-publica"}).status_code == 200
    ttl = app.get("/dataset/obra-publica.ttl")
    assert ttl.status_code == 200 and "dcat:Dataset" in ttl.body


def test_dataset_page_shows_municipal_fields_with_spanish_labels(app, make_dataset):
    org = factories.Organization()
    make_dataset(org, name="con-etiquetas")
    text = _text(app.get("/dataset/con-etiquetas").body)
    for label in ("Frecuencia de actualización", "Punto de contacto", "Cobertura geográfica",
                  "Sector", "Datos y recursos" if "Datos y recursos" in text else "Recursos"):
        assert label in text, label


def test_private_dataset_page_is_not_public(app, make_dataset):
    org = factories.Organization()
    make_dataset(org, name="privado", private=True)
    assert app.get("/dataset/privado").status_code == 404


def test_dependencia_box_in_the_sidebar(app, make_dataset):
    org = factories.Organization(title="Sistema Municipal DIF", description="Asistencia social.")
    make_dataset(org, name="apoyos")
    body = app.get("/dataset/apoyos").body
    box = body.split('id="organization-info"')[1].split("</section>")[0]
    assert "Sistema Municipal DIF" in box and "Asistencia social." in box
