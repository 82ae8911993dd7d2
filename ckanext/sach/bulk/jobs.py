"""Uploaded bulk files and the loads that run on them, with their progress, kept in Redis.

An upload is stored under ``<storage>/sach_bulk/<token>`` and recorded with who uploaded it for
which dependencia; a load is a record ``{status, total, done, errors, report}`` updated row by
row. Large loads run as a CKAN background job (:func:`run_load`, enqueued as a function object:
RQ 2 refuses "module:function" strings); ``ckan jobs worker`` runs them.
"""
from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import secrets
import tempfile
import time
from typing import Any

import ckan.plugins.toolkit as tk

from . import settings

log = logging.getLogger(__name__)


def _redis() -> Any:
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def _key(kind: str, ident: str) -> str:
    return f"ckanext-sach:bulk:{tk.config.get('ckan.site_id')}:{kind}:{ident}"


def _folder() -> str:
    folder = os.path.join(tk.config.get("ckan.storage_path") or tempfile.gettempdir(), "sach_bulk")
    os.makedirs(folder, exist_ok=True)
    return folder


def _drop_stale(folder: str) -> None:
    """Uploads older than ``job_ttl`` (dry-run but never loaded) go; their records expired."""
    limit = time.time() - settings.job_ttl()
    for entry in os.scandir(folder):
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                os.remove(entry.path)
        except OSError:
            pass


def save_upload(data: bytes, filename: str, user_id: str, org_id: str) -> str:
    token = secrets.token_urlsafe(18)
    folder = _folder()
    _drop_stale(folder)
    path = os.path.join(folder, token)
    with open(path, "wb") as out:
        out.write(data)
    record = {"path": path, "filename": filename, "user_id": user_id, "org_id": org_id}
    _redis().set(_key("upload", token), json.dumps(record), ex=settings.job_ttl())
    return token


def get_upload(token: str) -> dict[str, Any] | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    raw = _redis().get(_key("upload", token))
    return json.loads(raw) if raw else None


def drop_upload(token: str) -> None:
    record = get_upload(token)
    _redis().delete(_key("upload", token))
    if record:
        with contextlib.suppress(OSError):
            os.remove(record["path"])


def new_job(token: str, user: str, org_id: str, filename: str, total: int) -> str:
    job_id = secrets.token_hex(10)
    put(job_id, {"status": "queued", "token": token, "user": user, "org_id": org_id, "filename": filename,
                 "total": total, "done": 0, "errors": 0, "report": None,
                 "created": datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat()})
    return job_id


def put(job_id: str, record: dict[str, Any]) -> None:
    _redis().set(_key("job", job_id), json.dumps(record, ensure_ascii=False), ex=settings.job_ttl())


def get(job_id: str) -> dict[str, Any] | None:
    if not job_id or not job_id.isalnum():
        return None
    raw = _redis().get(_key("job", job_id))
    return json.loads(raw) if raw else None


def enqueue(job_id: str) -> None:
    tk.enqueue_job(run_load, [job_id], title="Carga masiva de conjuntos de datos", rq_kwargs={"timeout": 6 * 3600})


def _load(record: dict[str, Any], upload: dict[str, Any] | None, progress: Any) -> Any:
    """Load the uploaded file of a job record; its report."""
    from ckan import model

    from .load import Loader
    from .reader import FileError

    if upload is None:
        raise FileError(tk._("El archivo subido ya no está disponible; súbalo de nuevo."))
    org = model.Group.get(record["org_id"])
    with open(upload["path"], "rb") as stream:
        return Loader(record["user"], org.name if org else record["org_id"]).run(
            stream, dry_run=False, progress=progress)


def run_load(job_id: str) -> dict[str, Any] | None:
    """Load the uploaded file of ``job_id`` (the background job; also run in the request for
    small files). Progress is written after every dataset."""
    from ckan import model

    from .reader import FileError

    record = get(job_id)
    if record is None or record["status"] not in ("queued",):
        return None
    upload = get_upload(record["token"])
    record["status"] = "running"
    put(job_id, record)

    def progress(done: int, total: int, errors: int) -> None:
        record.update(done=done, total=total, errors=errors)
        put(job_id, record)

    try:
        report = _load(record, upload, progress)
        record.update(status="done", report=report.as_dict(), errors=len(report.errors))
    except FileError as err:
        record.update(status="failed", message=err.message)
    except Exception:
        log.exception("Bulk load job %s failed", job_id)
        model.Session.rollback()
        record.update(status="failed", message=tk._("La carga se detuvo por un error interno; las filas ya "
                                                     "guardadas se conservan. Vuelva a cargar el archivo."))
    record["finished"] = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat()
    put(job_id, record)
    drop_upload(record["token"])
    return record
