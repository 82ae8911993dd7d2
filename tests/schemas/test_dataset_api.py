"""Create and update datasets through the API: good input, and each kind of bad input."""
from __future__ import annotations

import datetime
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.sach import dates

from .conftest import sysadmin_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _error(errors: dict[str, Any], path: tuple[Any, ...]) -> str:
    """The error messages at ``path`` (field, or field/index/subfield), joined."""
    node: Any = errors
    for part in path:
        node = node[part]
    return " ".join(m if isinstance(m, str) else str(m) for m in node)


def test_create_complete_dataset(valid_dataset):
    org = factories.Organization()
    pkg = tk.get_action("package_create")(sysadmin_context(),
                                          valid_dataset(name="presupuesto-2024", owner_org=org["id"]))
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})
    assert shown["state"] == "active"
    assert shown["identifier"] == "presupuesto-2024"  # defaults to the name
    assert shown["license_id"] == "libre-uso-mx"
    assert shown["license_title"] == "Términos de Libre Uso MX"
    assert shown["sector"] == "finanzas-y-contrataciones"
    assert shown["frequency"] == "R/P1Y"
    assert shown["contact"] == [{"name": "Tesorería Municipal", "email": "tesoreria@sach.gob.mx"}]
    assert shown["spatial_coverage"] == [{"place": "21119", "text": "Municipio de San Andrés Cholula"}]
    assert shown["temporal_coverage"] == [{"start": "2024-01-01", "end": "2024-12-31"}]
    assert shown["language"] == ["es"]
    assert shown["transparency_obligations"] == ["lgtaip-2015:70-XXI", "lgtaip-2015:71-I-b"]
    assert shown["personal_data"] == "no"
    res = shown["resources"][0]
    assert res["mimetype"] == "text/csv"  # derived from the format
    assert res["resource_role"] == "data"  # default


def test_language_defaults_to_spanish_and_licence_can_be_another_open_one(valid_dataset):
    org = factories.Organization()
    data = valid_dataset(name="sin-idioma", owner_org=org["id"], license_id="cc-by-4.0")
    del data["language"]
    pkg = tk.get_action("package_create")(sysadmin_context(), data)
    assert pkg["language"] == ["es"]
    assert pkg["license_id"] == "cc-by-4.0"


def test_dictionary_as_resource_replaces_the_url(valid_dataset):
    org = factories.Organization()
    data = valid_dataset(name="con-diccionario", owner_org=org["id"], data_dictionary_url="")
    data["resources"].append({"url": "https://sach.gob.mx/datos/dic.csv", "name": "Diccionario",
                              "format": "CSV", "resource_role": "data_dictionary"})
    pkg = tk.get_action("package_create")(sysadmin_context(), data)
    assert [r["resource_role"] for r in pkg["resources"]] == ["data", "data_dictionary"]


def test_personal_data_with_legal_basis_is_accepted(valid_dataset):
    org = factories.Organization()
    pkg = tk.get_action("package_create")(sysadmin_context(), valid_dataset(
        name="anonimizado", owner_org=org["id"], personal_data="anonymised",
        personal_data_legal_basis="Se suprimieron nombres y domicilios; se agregó por colonia."))
    assert pkg["personal_data"] == "anonymised"


def test_update_through_the_api(make_dataset):
    org = factories.Organization()
    pkg = make_dataset(org["id"], name="para-actualizar")
    context = sysadmin_context()
    tk.get_action("package_patch")(context, {
        "id": pkg["id"], "frequency": "R/P1M", "spatial_coverage": [{"place": "san-rafael-comac"}],
        "temporal_coverage": [{"start": "2023", "end": "2024-06"}],
    })
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})
    assert shown["frequency"] == "R/P1M"
    assert shown["spatial_coverage"] == [{"place": "san-rafael-comac", "text": "San Rafael Comac"}]
    assert shown["temporal_coverage"] == [{"start": "2023", "end": "2024-06"}]


def _tomorrow() -> str:
    return (dates.today() + datetime.timedelta(days=2)).isoformat()


# (test id, field overrides, error path, Spanish message fragment): one case per validator.
BAD_DATASETS = [
    ("required-title", {"title": ""}, ("title",), "Este campo es obligatorio"),
    ("required-title-blank", {"title": "   "}, ("title",), "Este campo es obligatorio"),
    ("required-modified-blank", {"modified": " "}, ("modified",), "Este campo es obligatorio"),
    ("required-notes", {"notes": ""}, ("notes",), "Este campo es obligatorio"),
    ("required-modified", {"modified": ""}, ("modified",), "Este campo es obligatorio"),
    ("required-sector", {"sector": ""}, ("sector",), "Este campo es obligatorio"),
    ("required-personal-data", {"personal_data": ""}, ("personal_data",), "Este campo es obligatorio"),
    ("required-contact", {"contact": []}, ("contact", 0, "name"), "al menos un punto de contacto"),
    ("required-contact-name", {"contact": [{"name": "", "email": "a@sach.gob.mx"}]},
     ("contact", 0, "name"), "Este campo es obligatorio"),
    ("required-spatial", {"spatial_coverage": []}, ("spatial_coverage", 0, "place"), "cobertura geográfica"),
    ("email", {"contact": [{"name": "Tesorería", "email": "tesoreria-sach.gob.mx"}]},
     ("contact", 0, "email"), "Correo electrónico no válido"),
    ("http-url", {"url": "javascript:alert(1)"}, ("url",), "http:// o https://"),
    ("http-url-ftp", {"data_dictionary_url": "ftp://sach.gob.mx/dic.csv"}, ("data_dictionary_url",), "http:// o https://"),
    ("url-list", {"documentation": ["https://sach.gob.mx/doc", "file:///etc/passwd"]}, ("documentation",), "http:// o https://"),
    ("iso-date", {"issued": "15/01/2024"}, ("issued",), "Fecha no válida"),
    ("iso-date-impossible", {"modified": "2024-02-30"}, ("modified",), "Fecha no válida"),
    ("temporal-date", {"temporal_coverage": [{"start": "enero 2024", "end": "2024-12-31"}]},
     ("temporal_coverage", 0, "start"), "Fecha no válida"),
    ("start-after-end", {"temporal_coverage": [{"start": "2024-06-01", "end": "2024-01-31"}]},
     ("temporal_coverage", 0, "end"), "inicio no puede ser posterior"),
    ("modified-future", {"modified": _tomorrow()}, ("modified",), "no puede ser posterior a hoy"),
    ("vocab-sector", {"sector": "deportes"}, ("sector",), "no es un valor permitido"),
    ("vocab-frequency", {"frequency": "R/P3D"}, ("frequency",), "no es un valor permitido"),
    ("vocab-language", {"language": ["es", "fr"]}, ("language",), "no es un valor permitido"),
    ("vocab-obligation", {"transparency_obligations": ["lgtaip-2015:70-XLIX"]}, ("transparency_obligations",),
     "no es un valor permitido"),
    ("vocab-personal-data", {"personal_data": "tal-vez"}, ("personal_data",), "no es un valor permitido"),
    ("inegi-key-unknown", {"spatial_coverage": [{"place": "21114"}]}, ("spatial_coverage", 0, "place"),
     "no corresponde al municipio"),
    ("inegi-key-format", {"spatial_coverage": [{"place": "2111"}]}, ("spatial_coverage", 0, "place"),
     "Clave INEGI no válida"),
    ("place-unknown", {"spatial_coverage": [{"place": "centro-de-puebla"}]}, ("spatial_coverage", 0, "place"),
     "no es un lugar del municipio"),
    ("slug", {"name": "Presupuesto_2024-"}, ("name",), "minúsculas sin acentos"),
    ("licence", {"license_id": "todos-los-derechos"}, ("license_id",), "Licencia desconocida"),
    ("legal-basis", {"personal_data": "public_by_law", "personal_data_legal_basis": ""},
     ("personal_data_legal_basis",), "fundamento legal"),
    ("data-dictionary", {"data_dictionary_url": ""}, ("data_dictionary_url",), "diccionario de datos"),
    ("resource-url", {"resources": [{"url": "ftp://sach.gob.mx/a.csv", "name": "A", "format": "CSV"}]},
     ("resources", 0, "url"), "http:// o https://"),
    ("resource-url-required", {"resources": [{"url": "", "name": "A", "format": "CSV"}]},
     ("resources", 0, "url"), "Indique una URL o suba un archivo"),
    ("resource-name", {"resources": [{"url": "https://sach.gob.mx/a.csv", "name": "", "format": "CSV"}]},
     ("resources", 0, "name"), "Este campo es obligatorio"),
    ("resource-format", {"resources": [{"url": "https://sach.gob.mx/descarga", "name": "A", "format": ""}]},
     ("resources", 0, "format"), "Este campo es obligatorio"),
    ("resource-size", {"resources": [{"url": "https://sach.gob.mx/a.csv", "name": "A", "format": "CSV", "size": "-3"}]},
     ("resources", 0, "size"), "número entero de bytes"),
    ("resource-mimetype", {"resources": [{"url": "https://sach.gob.mx/a.csv", "name": "A", "format": "CSV",
                                          "mimetype": "csv"}]},
     ("resources", 0, "mimetype"), "Tipo de medio no válido"),
    ("resource-role", {"resources": [{"url": "https://sach.gob.mx/a.csv", "name": "A", "format": "CSV",
                                      "resource_role": "anexo"}]},
     ("resources", 0, "resource_role"), "no es un valor permitido"),
]


@pytest.mark.parametrize(("overrides", "path", "message"), [c[1:] for c in BAD_DATASETS],
                         ids=[c[0] for c in BAD_DATASETS])
def test_create_refuses_bad_input_with_spanish_message(valid_dataset, overrides, path, message):
    org = factories.Organization()
    data = valid_dataset(owner_org=org["id"], **dict({"name": "malo"}, **overrides))
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_create")(sysadmin_context(), data)
    assert message in _error(err.value.error_dict, path)
    # nothing half-written
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": data["name"]})


@pytest.mark.parametrize(("overrides", "path", "message"), [
    c[1:] for c in BAD_DATASETS if c[0] in ("email", "modified-future", "start-after-end", "vocab-sector",
                                             "inegi-key-unknown", "http-url", "data-dictionary")
])
def test_update_refuses_bad_input_and_keeps_the_stored_values(make_dataset, overrides, path, message):
    org = factories.Organization()
    pkg = make_dataset(org["id"], name="guardado")
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")(sysadmin_context(), dict(overrides, id=pkg["id"]))
    assert message in _error(err.value.error_dict, path)
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})
    for key in overrides:
        if key != "resources":
            assert shown.get(key) == pkg.get(key)


def test_drafts_and_private_datasets_may_wait_for_their_dictionary(valid_dataset):
    org = factories.Organization()
    draft = tk.get_action("package_create")(sysadmin_context(), valid_dataset(
        name="borrador", owner_org=org["id"], data_dictionary_url="", state="draft"))
    assert draft["state"] == "draft"
    private = tk.get_action("package_create")(sysadmin_context(), valid_dataset(
        name="privado", owner_org=org["id"], data_dictionary_url="", private=True))
    assert private["private"] is True


def test_publishing_a_draft_without_dictionary_is_refused(valid_dataset):
    org = factories.Organization()
    draft = tk.get_action("package_create")(sysadmin_context(), valid_dataset(
        name="borrador-sin-dic", owner_org=org["id"], data_dictionary_url="", state="draft"))
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")(sysadmin_context(), {"id": draft["id"], "state": "active"})
    assert "diccionario de datos" in _error(err.value.error_dict, ("data_dictionary_url",))
    tk.get_action("resource_create")(sysadmin_context(), {
        "package_id": draft["id"], "url": "https://sach.gob.mx/dic.csv", "name": "Diccionario",
        "format": "CSV", "resource_role": "data_dictionary"})
    published = tk.get_action("package_patch")(sysadmin_context(), {"id": draft["id"], "state": "active"})
    assert published["state"] == "active"


def test_api_answers_409_with_spanish_message(app, valid_dataset):
    org = factories.Organization()
    sysadmin = factories.SysadminWithToken()
    res = app.post("/api/3/action/package_create",
                   json=valid_dataset(name="via-http", owner_org=org["id"], sector="deportes"),
                   headers={"Authorization": sysadmin["token"]})
    assert res.status_code == 409
    assert "no es un valor permitido" in res.json["error"]["sector"][0]


def test_api_gives_the_whole_spanish_message_of_required_and_vocabulary_fields(app, valid_dataset):
    """The exact texts (not CKAN's "Missing value" nor scheming's 'unexpected choice')."""
    org = factories.Organization()
    sysadmin = factories.SysadminWithToken()
    res = app.post("/api/3/action/package_create",
                   json=valid_dataset(name="via-http", owner_org=org["id"], title="", sector="deportes"),
                   headers={"Authorization": sysadmin["token"]})
    assert res.status_code == 409
    assert res.json["error"]["title"] == ["Este campo es obligatorio."]
    assert res.json["error"]["sector"] == ["«deportes» no es un valor permitido para «Sector»."]
