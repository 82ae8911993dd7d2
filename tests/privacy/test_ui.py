"""The officer's and the reviewer's pages of the personal-data guard, through CKAN's test app.

Upload message, refusals in plain Spanish with the file, the findings, the
reviewers and a link; the dataset-page banner and the "Publicar" action; the
reviewers' queue; four eyes on the review page; files with findings that stay
with their dependencia; no English in the resource stage of the wizard.
"""
from __future__ import annotations

import io
import json
import random
import re

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.sach.privacy import model as pmodel
from tests.helpers import PASSWORD, csrf_token, login

from . import synthetic as s

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]

REVIEWERS = "Coordinación General de Transparencia"


def _people_csv(n: int = 4, seed: int = 3) -> tuple[bytes, list[list[str]]]:
    header, rows = s.people_rows(random.Random(seed), n)
    return s.csv_bytes(rows, header), rows


def _clean_csv() -> bytes:
    return s.csv_bytes([["2024", "Pavimentación", "1234567.50"]] * 30, ["anio", "concepto", "monto"])


def _show(ref: str) -> dict:
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": ref})


def _api_upload(app, user_headers, package_id, data, filename="padron.csv", status=200):
    payload = {"package_id": package_id, "name": filename, "format": "CSV",
               "upload": (io.BytesIO(data), filename)}
    return app.post("/api/3/action/resource_create", data=payload, headers=user_headers,
                    content_type="multipart/form-data", status=status).json.get("result")


@pytest.fixture
def editor(officer):
    """The officer, signed in through the login form (a browser session, with flash messages)."""
    user = factories.User(password=PASSWORD)
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    token = factories.APIToken(user=user["name"])
    return {"user": user, "org": org, "headers": {"Authorization": token["token"]}}


@pytest.fixture
def reviewer():
    """A sysadmin (a privacy reviewer) who did not upload anything."""
    user = factories.Sysadmin(password=PASSWORD)
    token = factories.APIToken(user=user["name"])
    return {"user": user, "headers": {"Authorization": token["token"]}}


def _form_upload(app, pkg, data, filename, save="again"):
    url = f"/dataset/{pkg['name']}/resource/new"
    token = csrf_token(app, url)
    return app.post(url, data={"_csrf_token": token, "id": "", "name": filename, "format": "CSV", "save": save,
                               "url": "", "upload": (io.BytesIO(data), filename)},
                    content_type="multipart/form-data")


def test_upload_form_says_what_the_scan_found(app, editor, make_dataset):
    pkg = make_dataset(editor["org"], private=True)
    login(app, editor["user"])
    data, rows = _people_csv(4)
    res = _form_upload(app, pkg, data, "padron.csv")
    assert res.status_code == 200
    body = res.body
    assert "«padron.csv» tiene posibles datos personales" in body
    assert "4 CURP" in body and "4 correos electrónicos" in body
    assert REVIEWERS in body
    assert f'href="/dataset/{pkg["name"]}/datos-personales"' in body
    assert rows[0][2] not in body  # never a value
    # a clean file: the message says the scan found nothing
    res = _form_upload(app, pkg, _clean_csv(), "obras.csv")
    assert "Revisamos «obras.csv»: no encontramos datos personales." in res.body
    assert "padron.csv» tiene posibles" not in res.body  # the first message was shown once


@pytest.mark.ckan_config("ckanext.sach.privacy.inline_max_size", 64)
def test_upload_form_says_when_the_scan_runs_in_the_background(app, editor, make_dataset):
    pkg = make_dataset(editor["org"], private=True)
    login(app, editor["user"])
    res = _form_upload(app, pkg, _clean_csv(), "grande.csv")
    assert "«grande.csv» es grande o está enlazado: la revisión de datos personales corre en segundo plano" \
        in res.body


def test_publicar_refusal_names_file_findings_reviewers_and_link(app, editor, make_dataset):
    pkg = make_dataset(editor["org"], private=True)
    _api_upload(app, editor["headers"], pkg["id"], _people_csv(3)[0], "beneficiarios.csv")
    login(app, editor["user"])
    page = app.get(f"/dataset/{pkg['name']}").body
    assert "Datos personales en revisión" in page
    assert f'href="/dataset/{pkg["name"]}/datos-personales"' in page
    assert f'href="/dataset/{pkg["name"]}/publicar"' in page
    token = csrf_token(app, f"/dataset/{pkg['name']}/publicar")
    res = app.post(f"/dataset/{pkg['name']}/publicar", data={"_csrf_token": token})
    assert res.status_code == 409
    body = res.body
    assert "No se publicó el conjunto de datos." in body
    assert "«beneficiarios.csv»" in body and "3 CURP" in body
    assert REVIEWERS in body
    assert f'href="/dataset/{pkg["name"]}/datos-personales"' in body
    assert "private:" not in body
    assert _show(pkg["id"])["private"] is True


def test_dataset_form_refusal_has_a_spanish_label_not_the_raw_key(app, editor, make_dataset):
    from .test_gate import _form_fields

    pkg = make_dataset(editor["org"], private=True)
    _api_upload(app, editor["headers"], pkg["id"], _people_csv(2)[0], "padron.csv")
    login(app, editor["user"])
    form = _form_fields(app.get(f"/dataset/edit/{pkg['name']}").body)
    form["private"] = "False"
    res = app.post(f"/dataset/edit/{pkg['name']}", data=form)
    body = res.body
    summary = body[body.index("error-explanation"):]
    summary = summary[:summary.index("</ul>")]
    # CKAN's summary labels the error with the field key: the catalogue gives it a Spanish label
    assert 'data-field-label="private">Publicación:' in summary
    assert "private:" not in body
    # above the form: the file, what was found, who reviews, and the link
    refusal = body[body.index("sach-form-refusal"):]
    refusal = refusal[:refusal.index("</form>") if "</form>" in refusal else None]
    assert "«padron.csv»" in refusal and "2 CURP" in refusal and REVIEWERS in refusal
    assert f'href="/dataset/{pkg["name"]}/datos-personales"' in refusal
    assert _show(pkg["id"])["private"] is True


def test_wizard_resource_stage_has_no_english_buttons(app, editor, make_dataset):
    from .conftest import DATASET

    draft = dict(DATASET, name="borrador-padron", title="Padrón en borrador", owner_org=editor["org"]["id"],
                 state="draft")
    pkg = tk.get_action("package_create")({"user": editor["user"]["name"], "allow_state_change": True}, draft)
    assert pkg["state"] == "draft", pkg["state"]
    login(app, editor["user"])
    page = app.get(f"/dataset/{pkg['name']}/resource/new").body
    buttons = re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)
    labels = [re.sub(r"<[^>]+>|\s+", " ", b).strip() for b in buttons]
    assert "Finalizar" in labels, repr(labels)
    for english in ("Publish", "Finish", "Previous", "Save & add another", "Add"):
        assert english not in labels, labels


def test_publicar_publishes_after_review_with_confirmation_and_csrf(app, editor, reviewer, make_dataset):
    pkg = make_dataset(editor["org"], private=True)
    _api_upload(app, editor["headers"], pkg["id"], _people_csv(2)[0], "padron.csv")
    app.post("/api/3/action/sach_privacy_review_create", headers=reviewer["headers"], json={
        "package_id": pkg["id"], "decision": "no",
        "reason": "Los folios parecen CURP pero son claves internas del programa."})
    login(app, editor["user"])
    page = app.get(f"/dataset/{pkg['name']}").body
    assert "Datos personales en revisión" not in page
    assert "Este conjunto todavía no es público" in page
    confirm = app.get(f"/dataset/{pkg['name']}/publicar").body
    assert "Sí, publicar" in confirm and 'method="post"' in confirm
    # a GET never publishes, a POST without the CSRF token neither
    assert _show(pkg["id"])["private"] is True
    res = app.post(f"/dataset/{pkg['name']}/publicar", data={})
    assert res.status_code in (400, 403)
    assert _show(pkg["id"])["private"] is True
    token = csrf_token(app, f"/dataset/{pkg['name']}/publicar")
    res = app.post(f"/dataset/{pkg['name']}/publicar", data={"_csrf_token": token})
    assert res.status_code == 200
    assert "ya es público" in res.body
    assert _show(pkg["id"])["private"] is False
    assert "Este conjunto todavía no es público" not in app.get(f"/dataset/{pkg['name']}").body


def test_publicar_is_for_the_dependencia_only(app, editor, make_dataset):
    pkg = make_dataset(editor["org"], private=True)
    outsider = factories.User()
    factories.Organization(users=[{"name": outsider["name"], "capacity": "editor"}])
    headers = {"Authorization": factories.APIToken(user=outsider["name"])["token"]}
    app.post(f"/dataset/{pkg['name']}/publicar", headers=headers, status=404)
    assert _show(pkg["id"])["private"] is True


def test_review_page_four_eyes_uploader_sees_who_reviews(app, editor, reviewer, make_dataset):
    pkg = make_dataset(editor["org"], private=True)
    _api_upload(app, editor["headers"], pkg["id"], _people_csv(2)[0], "padron.csv")
    url = f"/dataset/{pkg['name']}/datos-personales"
    page = app.get(url, headers=editor["headers"]).body
    assert "La revisión la registra un revisor de datos personales de " + REVIEWERS in page
    assert 'name="decision"' not in page
    res = app.post(url, headers=editor["headers"],
                   data={"decision": "anonymised", "legal_basis": "Folios", "reason": "Listo."})
    assert res.status_code == 403
    assert pmodel.reviews(pkg["id"]) == []
    page = app.get(url, headers=reviewer["headers"]).body
    assert 'name="decision"' in page
    app.get(url, status=404)  # anonymous: a private dataset does not exist for them


def test_reviewers_queue_oldest_first_across_dependencias(app, editor, reviewer, make_dataset):
    first = make_dataset(editor["org"], private=True, title="Padrón de becas")
    _api_upload(app, editor["headers"], first["id"], _people_csv(2)[0], "becas.csv")
    other = factories.User()
    other_org = factories.Organization(title="Sistema Municipal DIF",
                                       users=[{"name": other["name"], "capacity": "editor"}])
    other_headers = {"Authorization": factories.APIToken(user=other["name"])["token"]}
    second = make_dataset(other_org, private=True, title="Padrón de despensas")
    _api_upload(app, other_headers, second["id"], _people_csv(3, seed=9)[0], "despensas.csv")
    clean = make_dataset(other_org, private=True, title="Obras sin datos")
    _api_upload(app, other_headers, clean["id"], _clean_csv(), "obras.csv")

    page = app.get("/datos-personales/revisiones", headers=reviewer["headers"]).body
    assert page.index("Padrón de becas") < page.index("Padrón de despensas")
    assert "Obras sin datos" not in page
    assert "Sistema Municipal DIF" in page and "3 CURP" in page and "«becas.csv»" in page
    assert f'href="/dataset/{second["name"]}/datos-personales"' in page

    res = app.get("/datos-personales/revisiones", headers=editor["headers"], status=403)
    assert "Sólo los revisores de datos personales" in res.body
    app.get("/datos-personales/revisiones", status=403)


def _findings_after_publication(pkg: dict, resource: dict) -> None:
    """Findings recorded on a file of a public dataset (as a background scan does)."""
    pmodel.supersede(resource["id"])
    model.Session.add(pmodel.PrivacyScan(
        package_id=pkg["id"], resource_id=resource["id"], status="findings", source="upload",
        format="csv", total=2, summary=json.dumps({"counts": {"curp": 2}})))
    model.Session.commit()


def test_files_with_findings_stay_with_the_dependencia(app, editor, reviewer, make_dataset):
    pkg = make_dataset(editor["org"])
    resource = _api_upload(app, editor["headers"], pkg["id"], _clean_csv(), "padron.csv")
    download = f"/dataset/{pkg['id']}/resource/{resource['id']}/download/padron.csv"
    page = f"/dataset/{pkg['id']}/resource/{resource['id']}"
    anonymous = app.test_client()
    assert anonymous.get(download).status_code == 200
    _findings_after_publication(pkg, resource)

    for url in (download, page):
        assert anonymous.get(url).status_code in (403, 404), url
    outsider = factories.User()
    factories.Organization(users=[{"name": outsider["name"], "capacity": "editor"}])
    outsider_headers = {"Authorization": factories.APIToken(user=outsider["name"])["token"]}
    assert app.get(download, headers=outsider_headers).status_code == 403
    # the dependencia and the reviewers still get the file
    assert app.get(download, headers=editor["headers"]).status_code == 200
    assert app.get(page, headers=editor["headers"]).status_code == 200
    assert app.get(download, headers=reviewer["headers"]).status_code == 200
    # everyone sees the dataset page, with a banner that gives no detail to outsiders
    public_page = anonymous.get(f"/dataset/{pkg['name']}").body
    assert "todavía no pueden descargarse" in public_page
    assert "datos-personales" not in public_page


def test_review_page_a_reviewer_who_uploaded_sees_no_form(app, editor, reviewer, make_dataset):
    pkg = make_dataset(editor["org"], private=True)
    _api_upload(app, reviewer["headers"], pkg["id"], _people_csv(2)[0], "padron.csv")
    url = f"/dataset/{pkg['name']}/datos-personales"
    page = app.get(url, headers=reviewer["headers"]).body
    assert "Usted subió o reemplazó un archivo de este conjunto: otro revisor debe registrar la revisión." in page
    assert 'name="decision"' not in page
    other = factories.Sysadmin()
    other_headers = {"Authorization": factories.APIToken(user=other["name"])["token"]}
    assert 'name="decision"' in app.get(url, headers=other_headers).body


def test_wizard_finish_refused_explains_in_spanish(app, editor):
    from .conftest import DATASET

    draft = dict(DATASET, name="borrador-becas", title="Becas en borrador", owner_org=editor["org"]["id"],
                 state="draft")
    pkg = tk.get_action("package_create")({"user": editor["user"]["name"], "allow_state_change": True}, draft)
    login(app, editor["user"])
    res = _form_upload(app, pkg, _people_csv(3)[0], "becas.csv", save="go-metadata")
    body = res.body
    # the file is kept (the dataset is a draft), the dataset is not published, and the page says why
    assert _show(pkg["id"])["state"] == "draft"
    assert 'data-field-label="private">Publicación:' in body and "private:" not in body
    refusal = body[body.index("sach-form-refusal"):]
    assert "«becas.csv»" in refusal and "3 CURP" in refusal and REVIEWERS in refusal
    assert f'href="/dataset/{pkg["name"]}/datos-personales"' in refusal
    assert "Finalizar" in body


@pytest.mark.ckan_config("ckanext.sach.privacy.inline_max_size", 64)
def test_officer_can_retry_a_pending_scan_from_the_review_page(app, editor, make_dataset):
    pkg = make_dataset(editor["org"], private=True)
    login(app, editor["user"])
    _form_upload(app, pkg, _clean_csv(), "grande.csv")
    url = f"/dataset/{pkg['name']}/datos-personales"
    page = app.get(url).body
    assert "Revisar de nuevo" in page
    token = csrf_token(app, url)
    res = app.post(f"{url}/revisar-de-nuevo", data={"_csrf_token": token})
    assert res.status_code == 200
    assert "Se pidió revisar de nuevo 1 archivo(s)" in res.body
    outsider = factories.User()
    headers = {"Authorization": factories.APIToken(user=outsider["name"])["token"]}
    assert app.test_client().post(f"{url}/revisar-de-nuevo", headers=headers).status_code in (403, 404)
