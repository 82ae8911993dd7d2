"""The publication gate and the scheduling of scans.

Called by the chained ``package_create`` / ``package_update`` actions (every
``resource_create`` / ``resource_update`` / ``package_patch`` goes through
``package_update``):

1. Before the change: uploads of a scannable format up to
   ``ckanext.sach.privacy.inline_max_size`` are scanned from the request's
   stream, before CKAN stores them.
2. If the dataset would be public (not private, state active) and it has
   blocking findings (unreviewed findings or incomplete scans of resources
   that stay, or findings in the new uploads), the change is refused with a
   ``ValidationError`` in Spanish and nothing is written.
3. After the change: the scans of step 1 are stored; larger uploads and
   linked files get a ``pending`` scan and a background job
   (:func:`ckanext.sach.privacy.jobs.scan_resource`).

Only datasets of type ``dataset`` are guarded. If the tables of revision
``sach_0002_privacy`` are missing (``ckan db upgrade -p sach`` not run) the
guard logs an error and lets changes through.
"""
from __future__ import annotations

import datetime
import json
import logging
import os
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sach import config as sach_config

from . import model as pmodel
from .scanner import SUPPORTED_FORMATS, ScanResult, normalise_format, scan_stream

log = logging.getLogger(__name__)

_tables_ok = False
_warned = False
SKIP_FLAG = "sach_privacy_skip_gate"


def enabled() -> bool:
    global _tables_ok, _warned
    if not sach_config.privacy_enabled():
        return False
    if not _tables_ok:
        _tables_ok = pmodel.tables_exist()
        if not _tables_ok and not _warned:
            _warned = True
            log.error("Personal-data guard off: run `ckan db upgrade -p sach` (tables missing)")
    return _tables_ok


def resource_format(res: dict[str, Any], filename: str | None = None) -> str | None:
    name = filename or res.get("url") or ""
    return normalise_format(res.get("format") or res.get("mimetype"), name) or normalise_format(None, name)


def _upload_of(res: dict[str, Any]) -> Any:
    upload = res.get("upload")
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", None):
        return None
    return upload


def _stream_size(stream: Any) -> int | None:
    try:
        pos = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(pos)
        return size
    except (AttributeError, OSError, ValueError):
        return None


def block_message(n_resources: int) -> str:
    return tk._(
        "El conjunto de datos tiene posibles datos personales sin revisar en {n} recurso(s). "
        "Un responsable de la dependencia debe registrar la revisión (datos anonimizados, "
        "públicos por disposición legal o falso positivo) en la página «Datos personales» "
        "del conjunto antes de hacerlo público."
    ).format(n=n_resources)


def upload_message() -> str:
    return tk._(
        "El archivo contiene posibles datos personales y el conjunto de datos es público. "
        "Haga privado el conjunto, suba el archivo y registre la revisión de datos personales "
        "antes de publicarlo."
    )


class Plan:
    """What the gate decided before the action ran, used after it."""

    def __init__(self) -> None:
        self.inline: list[tuple[int, ScanResult, str]] = []  # (position, result, format)
        self.deferred: list[tuple[int, str, str]] = []        # (position, source, format)


def _is_public(private: Any, state: Any) -> bool:
    return not tk.asbool(private) and (state or "active") == "active"


def before(action: str, context: dict[str, Any], data_dict: dict[str, Any]) -> Plan | None:
    if context.get(SKIP_FLAG) or not enabled():
        return None
    pkg = None
    if action == "package_update":
        ref = data_dict.get("id") or data_dict.get("name")
        pkg = model.Package.get(ref) if ref else None
        if pkg is None:
            return None  # CKAN raises NotFound itself
        if pkg.type != "dataset":
            return None
        private = data_dict.get("private", pkg.private)
        state = data_dict.get("state") or pkg.state
        old = {r.id: r for r in pkg.resources}
    else:
        if (data_dict.get("type") or "dataset") != "dataset":
            return None
        private = data_dict.get("private", False)
        state = data_dict.get("state") or "active"
        old = {}
    public = _is_public(private, state)
    plan = Plan()
    resources = data_dict.get("resources")
    replaced: set[str] = set()
    errors: list[dict[str, Any]] = []
    new_findings = 0
    limit = sach_config.privacy_inline_max_size()
    for pos, res in enumerate(resources or []):
        errors.append({})
        if not isinstance(res, dict):
            continue
        upload = _upload_of(res)
        if upload is not None:
            fmt = resource_format(res, upload.filename)
            if res.get("id"):
                replaced.add(res["id"])
            if fmt not in SUPPORTED_FORMATS:
                continue
            size = _stream_size(upload.stream)
            if size is not None and size <= limit:
                result = scan_stream(upload.stream, fmt, max_bytes=sach_config.privacy_max_size(),
                                     max_samples=sach_config.privacy_max_samples())
                upload.stream.seek(0)
                plan.inline.append((pos, result, fmt))
                if result.has_findings:
                    new_findings += 1
                    errors[pos] = {"upload": [upload_message()]}
            else:
                plan.deferred.append((pos, "upload", fmt))
            continue
        url = res.get("url") or ""
        previous = old.get(res.get("id") or "")
        if previous is not None and previous.url_type == "upload" and \
                (res.get("url_type") or "upload") == "upload":
            continue  # the stored file is kept: its scans stand
        changed = previous is None or previous.url != url or (previous.format or "") != (res.get("format") or "")
        if changed and previous is not None:
            replaced.add(previous.id)
        if not changed or not url or res.get("url_type") == "upload":
            continue
        fmt = resource_format(res)
        if fmt not in SUPPORTED_FORMATS:
            continue
        if sach_config.privacy_scan_links():
            plan.deferred.append((pos, "link", fmt))
    if public:
        kept = set(old) if resources is None else {r.get("id") for r in resources if isinstance(r, dict)}
        blocking = [] if pkg is None else [
            s for s in pmodel.blocking_scans(pkg.id, replaced) if s.resource_id in kept or s.resource_id is None
        ]
        if new_findings:
            raise tk.ValidationError({"resources": errors})
        if blocking:
            raise tk.ValidationError({"private": [block_message(len({s.resource_id for s in blocking}))]})
    return plan


def after(plan: Plan | None, result: Any, context: dict[str, Any] | None = None) -> None:
    if plan is None or not isinstance(result, dict) or not (plan.inline or plan.deferred):
        return
    resources = result.get("resources") or []
    now = datetime.datetime.utcnow()
    jobs: list[str] = []
    for pos, scan_result, fmt in plan.inline:
        if pos >= len(resources):
            continue
        res_id = resources[pos]["id"]
        pmodel.supersede(res_id)
        model.Session.add(pmodel.PrivacyScan(
            package_id=result["id"], resource_id=res_id, status=status_of(scan_result),
            source="upload", format=fmt, total=scan_result.total, finished=now,
            summary=json.dumps(summary_of(scan_result), ensure_ascii=False)))
    for pos, source, fmt in plan.deferred:
        if pos >= len(resources):
            continue
        res_id = resources[pos]["id"]
        pmodel.supersede(res_id)
        scan = pmodel.PrivacyScan(package_id=result["id"], resource_id=res_id, status="pending",
                                  source=source, format=fmt)
        model.Session.add(scan)
        model.Session.flush()
        jobs.append(scan.id)
    if (context or {}).get("defer_commit"):
        model.Session.flush()
    else:
        model.Session.commit()
    for scan_id in jobs:
        try:
            tk.enqueue_job("ckanext.sach.privacy.jobs:scan_resource", [scan_id],
                           title="Revisión de datos personales", rq_kwargs={"timeout": 3600})
        except Exception:  # Redis down: the scan stays pending; `ckan sach privacy-scan` runs it
            log.exception("Could not enqueue personal-data scan %s", scan_id)


def status_of(result: ScanResult) -> str:
    if not result.complete:
        return "incomplete"
    return "findings" if result.total else "clean"


def summary_of(result: ScanResult) -> dict[str, Any]:
    """What is stored and shown: counts, per-column counts, sample locations; no values."""
    data = result.to_dict()
    return {k: data[k] for k in ("format", "encoding", "bytes_scanned", "rows_scanned", "complete",
                                 "error", "counts", "columns", "samples", "column_hints", "total")}
