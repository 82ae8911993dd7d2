"""Publishing through the web form in Spanish (CKAN's test app, real POSTs with CSRF)."""
from __future__ import annotations

import datetime
import html
import io
from typing import Any

import pytest

import ckan.plugins.toolkit as tk

from ckanext.sach import dates

from .conftest import csrf_token, login

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def stage_one(owner_org: str, **overrides: Any) -> dict[str, Any]:
    """What a data officer types in the first page of the dataset form."""
    form = {
        "_ckan_phase": "dataset_new_1",
        "pkg_name": "",
        "title": "Incidentes atendidos 2024",
        "name": "incidentes-atendidos-2024",
        "notes": "Incidentes atendidos por Protección Civil en 2024.",
        "owner_org": owner_org,
        "tag_string": "protección civil,incidentes",
        "license_id": "libre-uso-mx",
        "sector": "seguridad-y-justicia",
        "frequency": "R/P1M",
        "issued": "2024-02-01",
        "modified": "2024-12-31",
        "contact-0-name": "Dirección de Protección Civil",
        "contact-0-email": "proteccion.civil@sach.gob.mx",
        "spatial_coverage-0-place": "21119",
        "spatial_coverage-0-text": "",
        "temporal_coverage-0-start": "2024-01-01",
        "temporal_coverage-0-end": "2024-12-31",
        "language": ["es", "nah"],
        "transparency_obligations": ["lgtaip-2015:70-XXX"],
        "url": "https://sach.gob.mx/proteccion-civil",
        "documentation": "",
        "data_dictionary_url": "",
        "personal_data": "no",
        "personal_data_legal_basis": "",
        "quality_notes": "Revisado por la Dirección.",
        "private": "False",
        "save": "",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}  # None: the officer removed the field


def post_stage_one(app, form: dict[str, Any]):
    form["_csrf_token"] = csrf_token(app, "/dataset/new")
    return app.post("/dataset/new", data=form, follow_redirects=False)


def text_of(res) -> str:
    return html.unescape(res.body)


def test_officer_publishes_a_complete_dataset_through_the_form(app, dependencias):
    login(app, dependencias["editor"])
    res = post_stage_one(app, stage_one(dependencias["tesoreria"]["id"]))
    assert res.status_code == 302, text_of(res)[:2000]
    assert "/dataset/incidentes-atendidos-2024/resource/new" in res.headers["Location"]

    url = "/dataset/incidentes-atendidos-2024/resource/new"
    data_file = b"folio,fecha,tipo\nPC-1,2024-01-03,Fuga de gas\n"
    res = app.post(url, data={
        "_csrf_token": csrf_token(app, url), "id": "", "save": "again",
        "url": "", "upload": (io.BytesIO(data_file), "incidentes.csv"),
        "name": "Incidentes 2024", "description": "", "format": "CSV", "resource_role": "data",
    }, follow_redirects=False)
    assert res.status_code == 302, text_of(res)[:2000]

    dictionary = b"campo,tipo,descripcion\nfolio,texto,Folio\n"
    res = app.post(url, data={
        "_csrf_token": csrf_token(app, url), "id": "", "save": "go-metadata",
        "url": "", "upload": (io.BytesIO(dictionary), "diccionario.csv"),
        "name": "Diccionario de datos", "description": "", "format": "CSV",
        "resource_role": "data_dictionary",
    }, follow_redirects=False)
    assert res.status_code == 302, text_of(res)[:2000]

    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": "incidentes-atendidos-2024"})
    assert pkg["state"] == "active"
    assert pkg["owner_org"] == dependencias["tesoreria"]["id"]
    assert pkg["language"] == ["es", "nah"]
    assert pkg["spatial_coverage"] == [{"place": "21119", "text": "Municipio de San Andrés Cholula"}]
    assert [(r["resource_role"], r["url_type"], r["mimetype"]) for r in pkg["resources"]] == [
        ("data", "upload", "text/csv"), ("data_dictionary", "upload", "text/csv")]

    page = app.get("/dataset/incidentes-atendidos-2024")
    assert page.status_code == 200
    body = text_of(page)
    for label in ("Seguridad y Justicia", "Mensual", "Municipio de San Andrés Cholula", "Náhuatl",
                  "No contiene datos personales", "Art. 70, fr. XXX"):
        assert label in body


def test_finishing_without_a_data_dictionary_is_refused_in_spanish(app, dependencias):
    login(app, dependencias["editor"])
    assert post_stage_one(app, stage_one(dependencias["tesoreria"]["id"])).status_code == 302
    url = "/dataset/incidentes-atendidos-2024/resource/new"
    res = app.post(url, data={
        "_csrf_token": csrf_token(app, url), "id": "", "save": "go-metadata",
        "url": "https://sach.gob.mx/datos/incidentes.csv", "name": "Incidentes", "format": "CSV",
        "resource_role": "data",
    }, follow_redirects=False)
    assert res.status_code == 200
    body = text_of(res)
    assert "Diccionario de datos (URL): Todo conjunto publicado necesita un diccionario de datos" in body
    pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": "incidentes-atendidos-2024"})
    assert pkg["state"] == "draft"


def _future() -> str:
    return (dates.today() + datetime.timedelta(days=3)).isoformat()


# (test id, form overrides, Spanish text that must reach the form): one case per validator.
BAD_FORMS = [
    ("required", {"title": ""}, "Este campo es obligatorio"),
    ("required-blank", {"title": "   "}, "Este campo es obligatorio"),
    ("required-contact", {"contact-0-name": "", "contact-0-email": ""}, "al menos un punto de contacto"),
    ("required-contact-removed", {"contact-0-name": None, "contact-0-email": None}, "al menos un punto de contacto"),
    ("required-place-removed", {"spatial_coverage-0-place": None, "spatial_coverage-0-text": None},
     "Indique la cobertura geográfica"),
    ("email", {"contact-0-email": "proteccion.civil-arroba-sach"}, "Correo electrónico no válido"),
    ("http-url", {"url": "javascript:alert(1)"}, "debe comenzar con http:// o https://"),
    ("url-list", {"documentation": "www.sach.gob.mx/doc"}, "debe comenzar con http:// o https://"),
    ("iso-date", {"issued": "1/2/2024"}, "Fecha no válida"),
    ("start-after-end", {"temporal_coverage-0-start": "2024-12-01", "temporal_coverage-0-end": "2024-01-01"},
     "La fecha de inicio no puede ser posterior a la fecha de fin"),
    ("modified-future", {"modified": _future()}, "no puede ser posterior a hoy"),
    ("vocab", {"frequency": "cada-rato"}, "no es un valor permitido"),
    ("vocab-multiple", {"transparency_obligations": ["lgtaip-2015:70-C"]}, "no es un valor permitido"),
    ("inegi-key", {"spatial_coverage-0-place": "21999"}, "no corresponde al municipio de San Andrés Cholula"),
    ("slug", {"name": "incidentes--2024-"}, "minúsculas sin acentos"),
    ("legal-basis", {"personal_data": "anonymised"}, "fundamento legal"),
    ("licence", {"license_id": "copyright"}, "Licencia desconocida"),
]


@pytest.mark.parametrize(("overrides", "message"), [c[1:] for c in BAD_FORMS], ids=[c[0] for c in BAD_FORMS])
def test_bad_form_is_refused_field_by_field_in_spanish(app, dependencias, overrides, message):
    login(app, dependencias["editor"])
    res = post_stage_one(app, stage_one(dependencias["tesoreria"]["id"], **overrides))
    assert res.status_code == 200
    assert message in text_of(res)
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": "incidentes-atendidos-2024"})


def test_english_form_gives_the_required_and_vocabulary_messages_in_english(app, dependencias):
    """The same checks on an English page: this catalogue's English wording."""
    login(app, dependencias["editor"])
    form = stage_one(dependencias["tesoreria"]["id"], title="", frequency="cada-rato")
    form["_csrf_token"] = csrf_token(app, "/en/dataset/new")
    res = app.post("/en/dataset/new", data=form, follow_redirects=False)
    assert res.status_code == 200
    body = text_of(res)
    assert "This field is required." in body and "Missing value" not in body
    assert "«cada-rato» is not an allowed value for «" in body and "no es un valor permitido" not in body


def test_bad_resource_link_is_refused_in_spanish(app, dependencias):
    login(app, dependencias["editor"])
    assert post_stage_one(app, stage_one(dependencias["tesoreria"]["id"])).status_code == 302
    url = "/dataset/incidentes-atendidos-2024/resource/new"
    res = app.post(url, data={
        "_csrf_token": csrf_token(app, url), "id": "", "save": "again",
        "url": "ftp://sach.gob.mx/incidentes.csv", "name": "Incidentes", "format": "CSV",
    }, follow_redirects=False)
    assert res.status_code == 200
    assert "debe comenzar con http:// o https://" in text_of(res)


def test_officer_edits_through_the_form(app, dependencias, make_dataset):
    pkg = make_dataset(dependencias["tesoreria"]["id"], name="egresos-2024")
    login(app, dependencias["editor"])
    url = "/dataset/edit/egresos-2024"
    form = stage_one(dependencias["tesoreria"]["id"], name="egresos-2024", title="Egresos 2024",
                     data_dictionary_url="https://sach.gob.mx/dic.csv", save="Save")
    del form["_ckan_phase"], form["pkg_name"]
    form["_csrf_token"] = csrf_token(app, url)
    res = app.post(url, data=form, follow_redirects=False)
    assert res.status_code == 302, text_of(res)[:2000]
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})
    assert shown["title"] == "Egresos 2024"
    assert shown["frequency"] == "R/P1M"

    form["_csrf_token"] = csrf_token(app, url)
    form["contact-0-email"] = "sin-arroba"
    res = app.post(url, data=form, follow_redirects=False)
    assert res.status_code == 200
    assert "Correo electrónico no válido" in text_of(res)


def test_dataset_page_with_optional_fields_empty(app, valid_dataset):
    from ckan.tests import factories

    from .conftest import sysadmin_context

    org = factories.Organization()
    data = valid_dataset(name="minimo", owner_org=org["id"])
    for key in ("url", "issued", "temporal_coverage", "transparency_obligations", "tag_string", "language"):
        data.pop(key)
    data["contact"] = [{"name": "Tesorería", "email": "t@sach.gob.mx"}]
    tk.get_action("package_create")(sysadmin_context(), data)
    res = app.get("/dataset/minimo")
    assert res.status_code == 200
    assert "Finanzas y Contrataciones" in text_of(res)
    res = app.get("/dataset/minimo/resource/" + tk.get_action("package_show")(
        {"ignore_auth": True}, {"id": "minimo"})["resources"][0]["id"])
    assert res.status_code == 200


def test_form_labels_are_spanish(app, dependencias):
    login(app, dependencias["editor"])
    body = text_of(app.get("/dataset/new"))
    for label in ("Frecuencia de actualización", "Cobertura geográfica", "Cobertura temporal",
                  "Obligaciones de transparencia", "Diccionario de datos (URL)", "¿Contiene datos personales?",
                  "Punto de contacto", "Términos de Libre Uso MX", "Quincenal", "San Rafael Comac"):
        assert label in body
    # the municipal licence is preselected, the other open licences are offered
    assert '<option value="libre-uso-mx" selected' in body
    assert 'value="cc-by-4.0"' in body
