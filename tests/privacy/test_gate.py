"""The publication gate, reviews and their audit trail, through the API and the forms."""
from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.sach.privacy import model as pmodel

from . import synthetic as s
from .conftest import run_worker

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def _people_csv(n: int = 20, seed: int = 1) -> tuple[bytes, list[list[str]]]:
    header, rows = s.people_rows(random.Random(seed), n)
    return s.csv_bytes(rows, header), rows


def _clean_csv() -> bytes:
    return s.csv_bytes([["2024", "Pavimentación", "1234567.50"]] * 30, ["anio", "concepto", "monto"])


def _upload(app, officer, package_id, data, filename="padron.csv", status=200, **fields):
    payload = {"package_id": package_id, "name": fields.pop("name", "Padrón"), "format": "CSV",
               "upload": (io.BytesIO(data), filename)}
    payload.update(fields)
    return app.post("/api/3/action/resource_create", data=payload, headers=officer["headers"],
                    content_type="multipart/form-data", status=status)


def _patch(app, officer, status=200, **data):
    return app.post("/api/3/action/package_patch", json=data, headers=officer["headers"], status=status)


def _review(app, officer, package_id, status=200, **data):
    data.setdefault("decision", "anonymised")
    data.setdefault("legal_basis", "Nombres sustituidos por folios; CURP eliminada (art. 116 LGTAIP).")
    data.setdefault("reason", "Se revisaron las columnas señaladas; los identificadores son folios internos.")
    return app.post("/api/3/action/sach_privacy_review_create", json=dict(data, package_id=package_id),
                    headers=officer["headers"], status=status)


def test_upload_with_personal_data_to_a_public_dataset_is_refused(app, officer, make_dataset):
    pkg = make_dataset(officer["org"])
    data, rows = _people_csv()
    res = _upload(app, officer, pkg["id"], data, status=409)
    body = res.json
    assert body["success"] is False
    assert "datos personales" in json.dumps(body["error"], ensure_ascii=False)
    # nothing written, and no value echoed back
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})["resources"] == []
    assert rows[0][2] not in res.body
    assert model.Session.query(pmodel.PrivacyScan).filter_by(package_id=pkg["id"]).count() == 0


def test_clean_upload_to_a_public_dataset_is_accepted(app, officer, make_dataset):
    pkg = make_dataset(officer["org"])
    res = _upload(app, officer, pkg["id"], _clean_csv()).json["result"]
    scans = app.get("/api/3/action/sach_privacy_scan_list", params={"package_id": pkg["id"]},
                    headers=officer["headers"]).json["result"]
    assert not scans["blocked"]
    assert [(x["resource_id"], x["status"]) for x in scans["scans"]] == [(res["id"], "clean")]


def test_private_dataset_findings_block_publication_until_reviewed(app, officer, reviewer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    data, rows = _people_csv(20)
    resource = _upload(app, officer, pkg["id"], data).json["result"]

    scans = app.get("/api/3/action/sach_privacy_scan_list", params={"package_id": pkg["id"]},
                    headers=officer["headers"]).json["result"]
    assert scans["blocked"] is True
    scan = scans["scans"][0]
    assert scan["resource_id"] == resource["id"] and scan["status"] == "findings"
    assert scan["summary"]["counts"]["curp"] == 20
    assert scan["summary"]["samples"]["curp"][0] == {"row": 2, "column": "curp"}
    stored = json.dumps(scans, ensure_ascii=False)
    for value in rows[0][1:7]:
        assert value not in stored

    # making it public through the API is refused with a Spanish message
    err = _patch(app, officer, id=pkg["id"], private=False, status=409).json["error"]
    assert "sin revisar" in err["private"][0] and "«Padrón»" in err["private"][0]
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})["private"] is True
    # other edits of the private dataset are fine
    _patch(app, officer, id=pkg["id"], notes="Padrón actualizado.")

    # four eyes: the uploader cannot review; "anonymised" on the unchanged file is verified and refused
    _review(app, officer, pkg["id"], status=403)
    err = _review(app, reviewer, pkg["id"], status=409).json["error"]["decision"][0]
    assert "CURP" in err and "columna «curp», filas 2, 3, 4, 5, 6" in err
    for value in rows[0][1:7]:
        assert value not in err
    assert pmodel.reviews(pkg["id"]) == []
    review = _review(app, reviewer, pkg["id"], decision="public_by_law",
                     legal_basis="Art. 70 fr. XV LGTAIP: padrón de beneficiarios.").json["result"]
    assert review["user_name"] == reviewer["user"]["name"] and review["scans_reviewed"] == 1
    shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})
    assert shown["personal_data"] == "public_by_law"
    assert shown["personal_data_legal_basis"].startswith("Art. 70")

    assert _patch(app, officer, id=pkg["id"], private=False).json["result"]["private"] is False


def test_replacing_a_reviewed_file_needs_a_new_review(app, officer, reviewer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    resource = _upload(app, officer, pkg["id"], _people_csv(5)[0]).json["result"]
    _review(app, reviewer, pkg["id"], decision="public_by_law")
    _patch(app, officer, id=pkg["id"], private=False)
    # a new file with other people's data in the public dataset: refused
    res = app.post("/api/3/action/resource_update", headers=officer["headers"],
                   content_type="multipart/form-data", status=409,
                   data={"id": resource["id"], "name": "Padrón", "format": "CSV",
                         "upload": (io.BytesIO(_people_csv(5, seed=2)[0]), "padron.csv")})
    assert res.json["success"] is False
    # a clean replacement is accepted and supersedes the old scan
    app.post("/api/3/action/resource_update", headers=officer["headers"], content_type="multipart/form-data",
             data={"id": resource["id"], "name": "Padrón", "format": "CSV",
                   "upload": (io.BytesIO(_clean_csv()), "padron.csv")})
    current = pmodel.current_scans(pkg["id"])
    assert [x.status for x in current] == ["clean"]


def test_review_validation_and_auth(app, officer, reviewer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people_csv(3)[0])
    err = _review(app, reviewer, pkg["id"], legal_basis="", reason="", status=409).json["error"]
    assert "legal_basis" in err and "reason" in err
    err = _review(app, reviewer, pkg["id"], decision="quizas", status=409).json["error"]
    assert "decision" in err
    # anonymous and members of another dependencia are refused
    app.post("/api/3/action/sach_privacy_review_create", json={"package_id": pkg["id"], "decision": "no",
             "reason": "x"}, status=403)
    outsider = factories.User()
    other_org = factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    assert other_org
    headers = {"Authorization": factories.APIToken(user=outsider["name"])["token"]}
    app.post("/api/3/action/sach_privacy_review_create", headers=headers, status=403,
             json={"package_id": pkg["id"], "decision": "no", "reason": "x"})
    app.get("/api/3/action/sach_privacy_review_list", params={"package_id": pkg["id"]}, headers=headers,
            status=403)
    app.get("/api/3/action/sach_privacy_scan_list", params={"package_id": pkg["id"]}, status=403)
    _review(app, officer, pkg["id"], decision="no", status=403)  # the uploader
    app.post("/api/3/action/sach_privacy_review_create", headers=reviewer["headers"], status=404,
             json={"package_id": "no-existe", "decision": "no", "reason": "x"})
    # nothing recorded by the refused attempts
    assert pmodel.reviews(pkg["id"]) == []
    assert pmodel.blocking_scans(pkg["id"])


def test_audit_trail_records_who_when_why_in_order(app, officer, reviewer, make_dataset):
    admin = factories.Sysadmin()
    admin_headers = {"Authorization": factories.APIToken(user=admin["name"])["token"]}
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people_csv(3)[0], name="Uno")
    _review(app, reviewer, pkg["id"], decision="public_by_law",
            legal_basis="Art. 70 fr. VII LGTAIP: directorio de servidores públicos.",
            reason="Son servidores públicos en su directorio oficial.")
    _upload(app, officer, pkg["id"], _people_csv(3, seed=7)[0], name="Dos")
    app.post("/api/3/action/sach_privacy_review_create", headers=admin_headers,
             json={"package_id": pkg["id"], "decision": "no",
                   "reason": "Los teléfonos son de oficinas públicas: falso positivo."})
    trail = app.get("/api/3/action/sach_privacy_review_list", params={"package_id": pkg["id"]},
                    headers=officer["headers"]).json["result"]
    assert [(r["user_name"], r["decision"]) for r in trail] == [
        (admin["name"], "no"), (reviewer["user"]["name"], "public_by_law")]
    assert trail[0]["package_title"] == pkg["title"] and trail[0]["files"][0]["name"] == "Dos"
    assert trail[0]["created"] >= trail[1]["created"]
    assert trail[1]["legal_basis"].startswith("Art. 70 fr. VII")
    assert trail[0]["legal_basis"] is None and trail[0]["reason"].startswith("Los teléfonos")
    assert all(r["scans_reviewed"] == 1 for r in trail)
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})["personal_data"] == "no"


@pytest.mark.ckan_config("ckanext.sach.privacy.inline_max_size", "100")
def test_large_upload_is_scanned_by_a_job_that_unpublishes(app, officer, make_dataset, empty_queue):
    pkg = make_dataset(officer["org"], private=True)
    resource = _upload(app, officer, pkg["id"], _people_csv(30)[0]).json["result"]
    (scan,) = pmodel.current_scans(pkg["id"])
    assert scan.status == "pending" and scan.blocking
    assert scan.uploaded_by == officer["user"]["id"]
    # pending blocks publication, with a message naming the file
    err = _patch(app, officer, id=pkg["id"], private=False, status=409).json["error"]["private"][0]
    assert "«Padrón»" in err and "pendiente" in err
    # a dataset already public when a background scan finds something is made private
    model.Session.query(model.Package).filter_by(id=pkg["id"]).update({"private": False})
    model.Session.commit()
    run_worker()
    model.Session.expire_all()
    result = model.Session.get(pmodel.PrivacyScan, scan.id).as_dict()
    assert result["status"] == "findings" and result["summary"]["counts"]["curp"] == 30
    assert result["summary"]["unpublished"] is True
    assert result["resource_id"] == resource["id"]
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})["private"] is True
    _patch(app, officer, id=pkg["id"], private=False, status=409)


def test_linked_file_on_a_private_address_is_not_fetched(app, officer, make_dataset, empty_queue):
    pkg = make_dataset(officer["org"], private=True, resources=[
        {"url": "http://127.0.0.1:54329/padron.csv", "name": "Padrón", "format": "CSV"},
        {"url": "https://sach.gob.mx/informe.pdf", "name": "Informe", "format": "PDF"},
    ])
    run_worker()  # the PDF is not scannable
    (scan,) = pmodel.current_scans(pkg["id"])
    model.Session.refresh(scan)
    assert scan.status == "error" and "no permitida" in scan.as_dict()["summary"]["error"]
    # a failed scan blocks publication; the officer can retry
    err = _patch(app, officer, id=pkg["id"], private=False, status=409).json["error"]["private"][0]
    assert "falló" in err and "Revisar de nuevo" in err
    retry = app.post("/api/3/action/sach_privacy_rescan", json={"package_id": pkg["id"]},
                     headers=officer["headers"]).json["result"]
    assert len(retry["scans"]) == 1 and pmodel.current_scans(pkg["id"])[0].status == "pending"
    app.post("/api/3/action/sach_privacy_rescan", json={"package_id": pkg["id"]}, status=403)


def test_review_form(app, officer, reviewer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people_csv(4)[0])
    url = f"/dataset/{pkg['name']}/datos-personales"
    app.get(url, status=404)
    page = app.get(url, headers=officer["headers"]).body
    assert "CURP: 4" in page and "fila 2, columna «curp»" in page
    assert "sin revisar" in page
    # missing reason: the form comes back with the message, nothing recorded
    res = app.post(url, headers=reviewer["headers"], status=400,
                   data={"decision": "public_by_law", "legal_basis": "Art. 70 LGTAIP", "reason": ""})
    assert "Explique qué revisó" in res.body
    assert pmodel.reviews(pkg["id"]) == []
    res = app.post(url, headers=reviewer["headers"], follow_redirects=False,
                   data={"decision": "public_by_law", "legal_basis": "Art. 70 LGTAIP",
                         "reason": "Padrón de beneficiarios público por ley."})
    assert res.status_code == 302
    page = app.get(url, headers=officer["headers"]).body
    assert "Padrón de beneficiarios público por ley." in page and reviewer["user"]["name"] in page


def test_publication_gate_in_the_dataset_form(app, officer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people_csv(4)[0])
    edit = app.get(f"/dataset/edit/{pkg['name']}", headers=officer["headers"])
    assert edit.status_code == 200
    form = _form_fields(edit.body)
    form["private"] = "False"
    res = app.post(f"/dataset/edit/{pkg['name']}", data=form, headers=officer["headers"])
    assert "sin revisar" in res.body
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg["id"]})["private"] is True


def _posted(a: dict[str, Any]) -> bool:
    """Whether a browser posts this input: not an unchecked box, a button or a file."""
    if a.get("type") in ("checkbox", "radio") and "checked" not in a:
        return False
    return a.get("type") not in ("submit", "file")


def _form_fields(html: str) -> dict[str, str]:
    """The fields of the dataset edit form as a browser would post them."""
    from html.parser import HTMLParser

    fields: dict[str, str] = {}

    class Parser(HTMLParser):
        select: str | None = None
        textarea: str | None = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name"):
                if _posted(a):
                    fields[a["name"]] = a.get("value") or ""
            elif tag == "select" and a.get("name"):
                self.select = a["name"]
                fields.setdefault(a["name"], "")
            elif tag == "option" and self.select and "selected" in a:
                fields[self.select] = a.get("value") or ""
            elif tag == "textarea" and a.get("name"):
                self.textarea = a["name"]
                fields[a["name"]] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                fields[self.textarea] += data

    Parser().feed(html)
    fields["save"] = ""
    return fields


def test_bulk_make_public_is_all_or_nothing(app, officer, make_dataset):
    admin = factories.User()
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": officer["org"]["id"], "username": admin["name"], "role": "admin"})
    headers = {"Authorization": factories.APIToken(user=admin["name"])["token"]}
    clean = make_dataset(officer["org"], private=True)
    blocked = make_dataset(officer["org"], private=True)
    _upload(app, officer, blocked["id"], _people_csv(3)[0])
    res = app.post("/api/3/action/bulk_update_public", headers=headers, status=409,
                   json={"org_id": officer["org"]["id"], "datasets": [clean["id"], blocked["id"]]})
    assert blocked["name"] in res.json["error"]["datasets"][0]
    show = tk.get_action("package_show")
    assert show({"ignore_auth": True}, {"id": clean["id"]})["private"] is True
    app.post("/api/3/action/bulk_update_public", headers=headers,
             json={"org_id": officer["org"]["id"], "datasets": [clean["id"]]})
    assert show({"ignore_auth": True}, {"id": clean["id"]})["private"] is False


def test_bulk_make_public_form_explains_and_changes_nothing(app, officer, make_dataset):
    admin = factories.User()
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": officer["org"]["id"], "username": admin["name"], "role": "admin"})
    headers = {"Authorization": factories.APIToken(user=admin["name"])["token"]}
    blocked = make_dataset(officer["org"], private=True)
    _upload(app, officer, blocked["id"], _people_csv(3)[0])
    res = app.post(f"/organization/bulk_process/{officer['org']['name']}", headers=headers,
                   data={f"dataset_{blocked['id']}": "on", "bulk_action.public": "public"})
    assert res.status_code == 200
    assert "sin revisar" in res.body
    assert tk.get_action("package_show")({"ignore_auth": True}, {"id": blocked["id"]})["private"] is True


@pytest.mark.ckan_config("ckanext.sach.privacy.inline_max_size", "100")
def test_cli_runs_pending_scans_and_rescans(app, cli, officer, make_dataset, monkeypatch):
    from ckan.cli.cli import ckan as ckan_cli

    monkeypatch.setattr(tk, "enqueue_job", lambda *a, **kw: None)  # no worker: the CLI runs them
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people_csv(10)[0])
    result = cli.invoke(ckan_cli, ["sach", "privacy-scan"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "findings: 1", result.output
    assert pmodel.blocking_scans(pkg["id"])
    # a rescan supersedes the old scan and finds the same
    result = cli.invoke(ckan_cli, ["sach", "privacy-scan", "-d", pkg["name"]])
    assert result.output.strip().splitlines()[-1] == "findings: 1", result.output
    assert [x.status for x in pmodel.current_scans(pkg["id"])] == ["findings"]
    result = cli.invoke(ckan_cli, ["sach", "privacy-scan", "-d", "no-existe"])
    assert result.exit_code != 0 and "no encontrado" in result.output
