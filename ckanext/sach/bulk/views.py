"""Pages of bulk publishing, per dependencia, for its editors and admins (and sysadmins).

- ``GET /carga-masiva/<org>``: download the template (XLSX, CSV) or the dependencia's datasets,
  and upload a file.
- ``POST /carga-masiva/<org>/revisar``: the dry run of the uploaded file: its report, row by row,
  and «Confirmar la carga» when some rows can be loaded.
- ``POST /carga-masiva/<org>/cargar``: the load (in the request for small files, as a background
  job otherwise), then its page.
- ``GET /carga-masiva/<org>/carga/<id>``: progress (rows done / total, errors so far; the page
  follows the job with ``/carga-masiva/progreso.js`` while it runs, or «Actualizar» without
  JavaScript) and, at the end, the report. ``…/<id>.json``: the same as JSON.
"""
from __future__ import annotations

import io
import os
from typing import Any

from flask import Blueprint, Response, jsonify

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sach.web.request import request

from . import jobs, settings, template
from .load import Loader, columns_for, reading_columns
from .reader import FileError

__all__ = ["get_blueprints"]

blueprint = Blueprint("sach_bulk", __name__, url_prefix="/carga-masiva")

FORMATS = ("xlsx", "csv")
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "progress.js")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def _org_or_abort(org_id: str) -> model.Group:
    if not tk.g.user:
        tk.abort(403, tk._("Inicie sesión para publicar conjuntos de datos en bloque."))
    org = model.Group.get(org_id)
    if org is None or not org.is_organization or org.state != "active":
        tk.abort(404, tk._("Dependencia no encontrada"))
    try:
        tk.check_access("package_create", {"user": tk.g.user, "auth_user_obj": tk.g.userobj},
                        {"owner_org": org.id})
    except tk.NotAuthorized:
        tk.abort(403, tk._("Sólo los editores de esta dependencia pueden publicar en ella."))
    return org


def _download(data: bytes, fmt: str, name: str) -> Response:
    return Response(data, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def index(org_id: str) -> str:
    org = _org_or_abort(org_id)
    return tk.render("sach/bulk/index.html", {"org": org, "max_rows": settings.max_rows(),
                                              "max_mb": settings.max_file_size() // (1024 * 1024)})


def template_file(org_id: str, fmt: str) -> Response:
    org = _org_or_abort(org_id)
    if fmt not in FORMATS:
        tk.abort(404, tk._("Formato no disponible"))
    return _download(template.render(columns_for(tk.g.user), fmt), fmt, template.filename(org.name, fmt))


def export_file(org_id: str, fmt: str) -> Response:
    org = _org_or_abort(org_id)
    if fmt not in FORMATS:
        tk.abort(404, tk._("Formato no disponible"))
    cols = columns_for(tk.g.user)
    rows = list(template.export_rows(tk.g.user, org.name, cols))
    return _download(template.render(cols, fmt, rows), fmt, template.filename(org.name, fmt, export=True))


def _refuse(org: model.Group, message: str, status: int = 400) -> tuple[str, int]:
    return tk.render("sach/bulk/index.html", {"org": org, "file_error": message, "max_rows": settings.max_rows(),
                                              "max_mb": settings.max_file_size() // (1024 * 1024)}), status


def check(org_id: str) -> Any:
    org = _org_or_abort(org_id)
    upload = request.files.get("archivo")
    if upload is None or not upload.filename:
        return _refuse(org, tk._("Elija el archivo XLSX o CSV que quiere cargar."))
    limit = settings.max_file_size()
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        return _refuse(org, tk._("El archivo pesa más de {mb} MB. Divídalo en varios archivos.").format(
            mb=limit // (1024 * 1024)), 413)
    try:
        report = Loader(tk.g.user, org.name).run(io.BytesIO(data), dry_run=True)
    except FileError as err:
        return _refuse(org, err.message)
    token = jobs.save_upload(data, upload.filename, tk.g.userobj.id, org.id) \
        if report.created or report.updated else ""
    return tk.render("sach/bulk/report.html", {"org": org, "report": report.as_dict(), "token": token,
                                               "filename": upload.filename, "dry_run": True})


def load(org_id: str) -> Any:
    org = _org_or_abort(org_id)
    token = request.form.get("token", "")
    upload = jobs.get_upload(token)
    if upload is None or upload["user_id"] != tk.g.userobj.id or upload["org_id"] != org.id:
        return _refuse(org, tk._("El archivo revisado ya no está disponible; súbalo y revíselo de nuevo."))
    with open(upload["path"], "rb") as stream:
        try:
            from .load import count_datasets

            total = count_datasets(stream, reading_columns())
        except FileError as err:
            return _refuse(org, err.message)
    job_id = jobs.new_job(token, tk.g.user, org.id, upload["filename"], total)
    if total <= settings.sync_max_datasets():
        jobs.run_load(job_id)
    else:
        jobs.enqueue(job_id)
    return tk.redirect_to("sach_bulk.job", org_id=org.name, job_id=job_id)


def _job_or_abort(org: model.Group, job_id: str) -> dict[str, Any]:
    record = jobs.get(job_id)
    if record is None or record["org_id"] != org.id or record["user"] != tk.g.user:
        tk.abort(404, tk._("Carga no encontrada"))
    return record


def job(org_id: str, job_id: str) -> str:
    org = _org_or_abort(org_id)
    record = _job_or_abort(org, job_id)
    return tk.render("sach/bulk/job.html", {"org": org, "job": record, "job_id": job_id,
                                            "report": record.get("report")})


def job_json(org_id: str, job_id: str) -> Response:
    org = _org_or_abort(org_id)
    record = _job_or_abort(org, job_id)
    return jsonify({k: record.get(k) for k in ("status", "total", "done", "errors", "report", "message")})


def script() -> Response:
    with open(SCRIPT, "rb") as handle:
        body = handle.read()
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "public, max-age=3600"})


blueprint.add_url_rule("/progreso.js", view_func=script, methods=["GET"])
blueprint.add_url_rule("/<org_id>", view_func=index, methods=["GET"])
blueprint.add_url_rule("/<org_id>/plantilla.<fmt>", view_func=template_file, methods=["GET"])
blueprint.add_url_rule("/<org_id>/exportar.<fmt>", view_func=export_file, methods=["GET"])
blueprint.add_url_rule("/<org_id>/revisar", view_func=check, methods=["POST"])
blueprint.add_url_rule("/<org_id>/cargar", view_func=load, methods=["POST"])
blueprint.add_url_rule("/<org_id>/carga/<job_id>.json", view_func=job_json, methods=["GET"])
blueprint.add_url_rule("/<org_id>/carga/<job_id>", view_func=job, methods=["GET"])


def get_blueprints() -> list[Any]:
    return [blueprint]
