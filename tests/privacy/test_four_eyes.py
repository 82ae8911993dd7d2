"""Issue #11 (backend): background scans through RQ, "not yet scanned" blocks, compressed and hostile
files, four eyes, verified anonymisation, atomic reviews, purge, queue, file_restricted."""
from __future__ import annotations

import gzip
import http.server
import io
import json
import random
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.sach.privacy import action as paction
from ckanext.sach.privacy import auth as pauth
from ckanext.sach.privacy import guard, jobs
from ckanext.sach.privacy import model as pmodel

from . import synthetic as s
from .conftest import headers_of, run_worker

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def _people(n: int, seed: int = 1) -> bytes:
    header, rows = s.people_rows(random.Random(seed), n)
    return s.csv_bytes(rows, header)


def _curps_csv(target_bytes: int) -> bytes:
    rng = random.Random(5)
    out = io.StringIO()
    out.write("folio,curp,programa\n")
    i = 0
    while out.tell() < target_bytes:
        out.write(f"{i},{s.curp(rng)},Apoyo alimentario municipal\n")
        i += 1
    return out.getvalue().encode()


def _upload(app, who, package_id, data, filename="padron.csv", status=200, fmt="CSV"):
    return app.post("/api/3/action/resource_create", headers=who["headers"], status=status,
                    content_type="multipart/form-data",
                    data={"package_id": package_id, "name": "Padrón", "format": fmt,
                          "upload": (io.BytesIO(data), filename)})


def _patch(app, who, status=200, **data):
    return app.post("/api/3/action/package_patch", json=data, headers=who["headers"], status=status)


def _review(app, who, package_id, status=200, **data):
    data.setdefault("decision", "public_by_law")
    data.setdefault("legal_basis", "Art. 70 fr. XV LGTAIP: padrón de beneficiarios.")
    data.setdefault("reason", "Se revisó el padrón; la ley ordena publicarlo.")
    return app.post("/api/3/action/sach_privacy_review_create", json=dict(data, package_id=package_id),
                    headers=who["headers"], status=status)


def _show(pkg_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": pkg_id})


# --- background scans through the real queue -------------------------------------------------

def test_six_megabyte_upload_is_scanned_by_the_worker_and_blocks(app, officer, make_dataset, empty_queue):
    data = _curps_csv(6 * 1024 * 1024)
    assert len(data) > tk.config["ckanext.sach.privacy.inline_max_size"]
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], data)
    (scan,) = pmodel.current_scans(pkg["id"])
    assert scan.status == "pending"
    # pending: publication refused, naming the file
    err = _patch(app, officer, id=pkg["id"], private=False, status=409).json["error"]["private"][0]
    assert "«Padrón»" in err and "pendiente" in err
    assert empty_queue.count >= 1
    run_worker()
    model.Session.expire_all()
    scan = model.Session.get(pmodel.PrivacyScan, scan.id)
    assert scan.status == "findings" and scan.as_dict()["summary"]["counts"]["curp"] > 100_000
    err = _patch(app, officer, id=pkg["id"], private=False, status=409).json["error"]["private"][0]
    assert "CURP" in err and "sin revisar" in err
    assert _show(pkg["id"])["private"] is True
    # reviewers are told: an activity on the dataset
    from ckanext.activity.model import Activity

    acts = model.Session.query(Activity).filter(Activity.object_id == pkg["id"]).all()
    assert any((a.data or {}).get("sach_privacy", {}).get("counts", {}).get("curp") for a in acts)


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


@pytest.fixture
def csv_server(monkeypatch) -> Iterator[str]:
    # the real policy refuses loopback; narrowed to 10/8 here so 127.0.0.1 can serve the file
    import ipaddress

    monkeypatch.setattr(jobs, "_forbidden", lambda addr: addr in ipaddress.ip_network("10.0.0.0/8"))
    _Handler.body = _people(40, seed=3)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/padron.csv"
    httpd.shutdown()
    httpd.server_close()


def test_linked_csv_is_fetched_by_the_worker_and_blocks(app, officer, make_dataset, csv_server, empty_queue):
    # a public dataset cannot get a link that was never scanned
    pub = make_dataset(officer["org"])
    res = app.post("/api/3/action/resource_create", headers=officer["headers"], status=409,
                   json={"package_id": pub["id"], "url": csv_server, "name": "Padrón", "format": "CSV"})
    assert "segundo plano" in json.dumps(res.json["error"], ensure_ascii=False)
    pkg = make_dataset(officer["org"], private=True)
    app.post("/api/3/action/resource_create", headers=officer["headers"],
             json={"package_id": pkg["id"], "url": csv_server, "name": "Padrón", "format": "CSV"})
    assert guard.file_restricted(pkg["id"])  # pending
    run_worker()
    model.Session.expire_all()
    (scan,) = pmodel.current_scans(pkg["id"])
    assert scan.status == "findings" and scan.as_dict()["summary"]["counts"]["curp"] == 40
    _patch(app, officer, id=pkg["id"], private=False, status=409)
    assert guard.file_restricted(scan.resource_id) and guard.file_restricted(_show(pkg["id"]))


def test_gzip_and_zip_with_curps_are_caught(app, officer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    data = _people(12)
    _upload(app, officer, pkg["id"], gzip.compress(data), filename="padron.csv.gz")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datos/padron.csv", data)
        archive.writestr("LEEME.txt", b"Padron 2024\n")
    _upload(app, officer, pkg["id"], buf.getvalue(), filename="padron.zip", fmt="ZIP")
    scans = pmodel.current_scans(pkg["id"])
    assert [x.status for x in scans] == ["findings", "findings"]
    assert all(x.as_dict()["summary"]["counts"]["curp"] == 12 for x in scans)
    assert "datos/padron.csv:curp" in scans[1].as_dict()["summary"]["columns"]["curp"]


_BOUND_SCRIPT = r"""
import io, json, resource, sys, time, tracemalloc, zipfile
from ckanext.sach.privacy.scanner import scan_stream
kind = sys.argv[1]
if kind == "json":
    data = b"[" * 100_000 + b"]" * 100_000
    fmt = "json"
else:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<row>" + "0" * (100 * 1024 * 1024) + "</row>")
    data = buf.getvalue()
    fmt = "xlsx"
tracemalloc.start()
start = time.monotonic()
result = scan_stream(io.BytesIO(data), fmt, max_seconds=30)
elapsed = time.monotonic() - start
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"complete": result.complete, "error": result.error, "seconds": elapsed,
                  "peak": peak, "input": len(data),
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


@pytest.mark.parametrize("kind", ["json", "xlsx"])
def test_hostile_files_end_incomplete_in_bounded_memory_and_time(kind):
    out = subprocess.run([sys.executable, "-c", _BOUND_SCRIPT, kind], capture_output=True, text=True,
                         timeout=120, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(kind, figures)
    assert figures["complete"] is False and "incompleta" in figures["error"]
    assert figures["seconds"] < 5
    assert figures["peak"] < 32 * 1024 * 1024  # Python allocations during the scan


def test_gzip_bomb_is_incomplete():
    from ckanext.sach.privacy.scanner import scan_stream

    bomb = gzip.compress(b"0" * (200 * 1024 * 1024), 9)
    result = scan_stream(io.BytesIO(bomb), "csv", max_bytes=512 * 1024 * 1024)
    assert result.complete is False and "bomba" in result.error


def test_private_must_be_a_boolean(app, officer, make_dataset):
    from .conftest import DATASET

    res = app.post("/api/3/action/package_create", headers=officer["headers"], status=409,
                   json=dict(DATASET, name="padron-si", title="Padrón", owner_org=officer["org"]["id"],
                             private="si"))
    assert "true o false" in res.json["error"]["private"][0]
    pkg = make_dataset(officer["org"], private=True)
    _patch(app, officer, id=pkg["id"], private=[1], status=409)


# --- four eyes ------------------------------------------------------------------------------

def test_self_review_refused_for_editor_admin_and_sysadmin_uploader(app, officer, reviewer, make_dataset):
    admin = factories.User()
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": officer["org"]["id"], "username": admin["name"], "role": "admin"})
    admin_h = {"headers": headers_of(admin)}
    sysadmin = factories.Sysadmin()
    sys_h = {"headers": headers_of(sysadmin)}
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people(3))
    _review(app, officer, pkg["id"], status=403)  # editor who uploaded
    _review(app, admin_h, pkg["id"], status=403)  # admin of the dependencia, not a reviewer
    assert pauth.is_privacy_reviewer(sysadmin["name"]) and pauth.can_review(sysadmin["name"], pkg["id"])
    # a sysadmin who uploads is not exempt
    pkg2 = make_dataset(officer["org"], private=True)
    _upload(app, sys_h, pkg2["id"], _people(3))
    err = _review(app, sys_h, pkg2["id"], status=403).json["error"]["message"]
    assert "cuatro ojos" in err
    assert not pauth.can_review(sysadmin["name"], pkg2["id"])
    assert pauth.can_review(reviewer["user"]["name"], pkg2["id"])
    _review(app, reviewer, pkg2["id"])
    assert pmodel.reviews(pkg["id"]) == [] and len(pmodel.reviews(pkg2["id"])) == 1
    # a reviewer who is also an editor of the dependencia and uploads cannot review their own file
    tk.get_action("organization_member_create")(
        {"ignore_auth": True}, {"id": officer["org"]["id"], "username": reviewer["user"]["name"],
                                "role": "editor"})
    pkg3 = make_dataset(officer["org"], private=True)
    _upload(app, reviewer, pkg3["id"], _people(2, seed=9))
    _review(app, reviewer, pkg3["id"], status=403)
    _review(app, sys_h, pkg3["id"])


@pytest.mark.ckan_config("ckanext.sach.privacy.reviewer_role", "admin")
def test_reviewer_role_is_configurable(reviewer):
    assert not pauth.is_privacy_reviewer(reviewer["user"]["name"])
    assert not pauth.is_privacy_reviewer(None) and not pauth.is_privacy_reviewer("nadie")


def test_anonymised_is_verified_and_a_new_file_voids_the_review(app, officer, reviewer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    res = _upload(app, officer, pkg["id"], _people(5)).json["result"]
    err = _review(app, reviewer, pkg["id"], decision="anonymised", legal_basis="Folios",
                  status=409).json["error"]["decision"][0]
    assert "CURP" in err and "columna «curp», filas 2, 3, 4, 5, 6" in err
    assert pmodel.reviews(pkg["id"]) == [] and _show(pkg["id"])["personal_data"] == "no"
    # the officer uploads an anonymised file: rescan finds nothing, no review needed, publish works
    clean = s.csv_bytes([[str(i), "Apoyo alimentario"] for i in range(10)], ["folio", "programa"])
    app.post("/api/3/action/resource_update", headers=officer["headers"], content_type="multipart/form-data",
             data={"id": res["id"], "name": "Padrón", "format": "CSV",
                   "upload": (io.BytesIO(clean), "padron.csv")})
    assert not guard.file_restricted(res["id"])
    assert _patch(app, officer, id=pkg["id"], private=False).json["result"]["private"] is False


def test_public_by_law_then_replacement_needs_new_review(app, officer, reviewer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    res = _upload(app, officer, pkg["id"], _people(4)).json["result"]
    _review(app, reviewer, pkg["id"])
    assert not guard.file_restricted(res["id"])
    # the reviewer replaces the file: voids the review, and now they are its uploader
    app.post("/api/3/action/resource_update", headers=reviewer["headers"] | {}, status=403,
             content_type="multipart/form-data",
             data={"id": res["id"], "upload": (io.BytesIO(_people(4, seed=4)), "padron.csv")})
    app.post("/api/3/action/resource_update", headers=officer["headers"], content_type="multipart/form-data",
             data={"id": res["id"], "name": "Padrón", "format": "CSV",
                   "upload": (io.BytesIO(_people(4, seed=4)), "padron.csv")})
    assert guard.file_restricted(res["id"])
    assert [x.review_id for x in pmodel.current_scans(pkg["id"])] == [None]
    _patch(app, officer, id=pkg["id"], private=False, status=409)


# --- atomicity, purge, queue ----------------------------------------------------------------

def test_failure_between_review_row_and_dataset_change_leaves_neither(app, officer, reviewer, make_dataset,
                                                                      monkeypatch):
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people(3))
    real = paction._record

    def record_then_fail(review, scans):
        real(review, scans)
        raise RuntimeError("fallo inyectado")

    monkeypatch.setattr(paction, "_record", record_then_fail)
    with pytest.raises(RuntimeError):
        tk.get_action("sach_privacy_review_create")(
            {"user": reviewer["user"]["name"]},
            {"package_id": pkg["id"], "decision": "public_by_law", "legal_basis": "Art. 70",
             "reason": "Revisado."})
    monkeypatch.setattr(paction, "_record", real)
    # and a failure inside the dataset change (after the row was flushed)
    from ckan import logic

    def index_fails(*a, **kw):
        raise RuntimeError("índice caído")

    monkeypatch.setattr(logic, "index_update_package_dicts", index_fails)
    with pytest.raises(RuntimeError):
        tk.get_action("sach_privacy_review_create")(
            {"user": reviewer["user"]["name"]},
            {"package_id": pkg["id"], "decision": "public_by_law", "legal_basis": "Art. 70",
             "reason": "Revisado."})
    monkeypatch.undo()
    model.Session.remove()
    assert pmodel.reviews(pkg["id"]) == []
    assert model.Package.get(pkg["id"]).extras["personal_data"] == "no"
    assert pmodel.blocking_scans(pkg["id"])


def test_purge_removes_scans_and_keeps_reviews(app, officer, reviewer, make_dataset):
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people(3))
    _review(app, reviewer, pkg["id"])
    tk.get_action("dataset_purge")({"ignore_auth": True, "user": ""}, {"id": pkg["id"]})
    assert model.Session.query(pmodel.PrivacyScan).filter_by(package_id=pkg["id"]).count() == 0
    (review,) = pmodel.reviews(pkg["id"])
    data = review.as_dict()
    assert data["package_title"] == pkg["title"] and data["package_name"] == pkg["name"]
    assert data["user_name"] == reviewer["user"]["name"] and data["legal_basis"].startswith("Art. 70")
    assert data["files"][0]["counts"]["curp"] == 3


def test_review_queue_for_reviewers_oldest_first(app, officer, reviewer, make_dataset):
    first = make_dataset(officer["org"], private=True)
    _upload(app, officer, first["id"], _people(3))
    other = {"user": factories.User()}
    other_org = factories.Organization(users=[{"name": other["user"]["name"], "capacity": "editor"}])
    other["headers"] = headers_of(other["user"])
    second = make_dataset(other_org, private=True)
    _upload(app, other, second["id"], _people(2, seed=2))
    queue = app.get("/api/3/action/sach_privacy_review_queue", headers=reviewer["headers"]).json["result"]
    assert [q["package_id"] for q in queue] == [first["id"], second["id"]]
    assert queue[0]["counts"]["curp"] == 3 and queue[0]["files"][0]["name"] == "Padrón"
    assert queue[0]["can_review"] is True
    app.get("/api/3/action/sach_privacy_review_queue", headers=officer["headers"], status=403)
    app.get("/api/3/action/sach_privacy_review_queue", status=403)
    # reviewers may read the waiting private dataset of another dependencia; outsiders still may not
    app.get("/api/3/action/package_show", params={"id": second["id"]}, headers=reviewer["headers"])
    app.get("/api/3/action/package_show", params={"id": second["id"]}, headers=officer["headers"], status=403)


@pytest.fixture
def smtp_server() -> Iterator[list[tuple[str, list[str], str]]]:
    """A local SMTP server (Python 3.11's smtpd) on a port of privcore's range, collecting messages."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import asyncore
        import smtpd
    received: list[tuple[str, list[str], str]] = []

    class Collector(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            received.append((mailfrom, rcpttos, data.decode() if isinstance(data, bytes) else data))

    server = Collector(("127.0.0.1", 5121), None)
    thread = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1}, daemon=True)
    thread.start()
    yield received
    server.close()
    thread.join(timeout=2)


@pytest.mark.ckan_config("smtp.server", "127.0.0.1:5121")
@pytest.mark.ckan_config("smtp.mail_from", "datos@sach.gob.mx")
def test_reviewers_are_emailed_when_a_scan_finds_something(app, officer, reviewer, make_dataset, smtp_server):
    import time

    model.User.get(reviewer["user"]["name"]).email = "revisora@sach.gob.mx"
    model.Session.commit()
    pkg = make_dataset(officer["org"], private=True)
    _upload(app, officer, pkg["id"], _people(3))
    for _ in range(50):
        if any("revisora@sach.gob.mx" in m[1] for m in smtp_server):
            break
        time.sleep(0.1)
    mails = [m for m in smtp_server if "revisora@sach.gob.mx" in m[1]]
    assert mails, smtp_server
    import email

    message = email.message_from_string(mails[0][2])
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Datos personales por revisar" in str(email.header.make_header(
        email.header.decode_header(message["Subject"])))
    assert "CURP" in body and f"/dataset/{pkg['name']}/datos-personales" in body
    _header, people = s.people_rows(random.Random(1), 3)
    assert all(value not in body for value in people[0][1:7])  # never a value
