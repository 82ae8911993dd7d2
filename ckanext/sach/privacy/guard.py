"""The publication gate and the scheduling of scans.

Called by the chained ``package_create`` / ``package_update`` actions (every
``resource_create`` / ``resource_update`` / ``package_patch`` goes through
``package_update``):

1. Before the change: uploads of a scannable format up to
   ``ckanext.sach.privacy.inline_max_size`` are scanned from the request's
   stream, before CKAN stores them.
2. If the dataset would be public (not private, state active) and it has
   blocking scans (unreviewed findings or incomplete scans of resources that
   stay, scans still pending or failed, findings in the new uploads, or new
   files that will be scanned in the background), the change is refused with
   a ``ValidationError`` in Spanish naming the files, and nothing is written.
   A ``private`` that is not a boolean is a ``ValidationError`` too.
3. After the change: the scans of step 1 are stored with the user who
   uploaded the file (``uploaded_by``: never its reviewer); larger uploads and
   linked files get a ``pending`` scan and a background job
   (:func:`ckanext.sach.privacy.jobs.scan_resource`, enqueued as a function).

:func:`file_restricted` tells other code (download guard, DCAT) whether a
file must stay with its dependencia.

Only datasets of type ``dataset`` are guarded. If the tables of revision
``sach_0002_privacy`` are missing (``ckan db upgrade -p sach`` not run) the
guard logs an error and lets changes through.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.plugins import plugin_loaded
from ckan.types import Context, DataDict

from ckanext.sach import config as sach_config

from . import model as pmodel
from .scanner import SUPPORTED_FORMATS, ScanResult, normalise_format, scan_stream

log = logging.getLogger(__name__)

SKIP_FLAG = "sach_privacy_skip_gate"


class _Tables:
    """Whether the guard's tables exist: looked up until they do; the error is logged once."""

    ok = False
    warned = False


def enabled() -> bool:
    if not sach_config.privacy_enabled():
        return False
    if not _Tables.ok:
        _Tables.ok = pmodel.tables_exist()
        if not _Tables.ok and not _Tables.warned:
            _Tables.warned = True
            log.error("Personal-data guard off: run `ckan db upgrade -p sach` (tables missing)")
    return _Tables.ok


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
    except (AttributeError, OSError, ValueError):
        return None
    return size


def _file_name(resource_id: str | None) -> str:
    res = model.Resource.get(resource_id) if resource_id else None
    if res is None:
        return tk._("archivo")
    return res.name or (res.url or "").rsplit("/", 1)[-1] or res.id


def scans_message(scans: list[Any]) -> str:
    """Why these scans keep a dataset from public, file by file (no values)."""
    from .helpers import findings_text

    parts = []
    for scan in scans:
        name = _file_name(scan.resource_id)
        if scan.status == "pending":
            parts.append(tk._("«{name}»: la revisión de datos personales está pendiente; espere a que "
                              "termine o vuelva a solicitarla").format(name=name))
        elif scan.status == "error":
            parts.append(tk._("«{name}»: la revisión de datos personales falló; vuelva a solicitarla "
                              "(«Revisar de nuevo») o corrija el enlace").format(name=name))
        elif scan.status == "incomplete":
            parts.append(tk._("«{name}»: revisión incompleta; debe registrar la revisión un revisor "
                              "de datos personales").format(name=name))
        else:
            summary = json.loads(scan.summary) if scan.summary else {}
            parts.append(tk._("«{name}»: posibles datos personales ({found}) sin revisar").format(
                name=name, found=findings_text(summary) or scan.total))
    return tk._("No se puede hacer público el conjunto de datos: {files}.").format(files="; ".join(parts))


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
        self.user_id: str | None = None


def private_value(private: Any) -> bool:
    """``private`` as a bool; a ValidationError (409) for anything else ("si", 2, [])."""
    if private is None:  # JSON null: CKAN's default (public)
        return False
    if isinstance(private, bool):
        return private
    if isinstance(private, str) and private.strip().lower() in ("true", "false", "1", "0", "yes", "no",
                                                                 "on", "off", ""):
        return tk.asbool(private.strip() or False)
    if isinstance(private, int) and private in (0, 1):
        return bool(private)
    raise tk.ValidationError({"private": [tk._("«private» debe ser true o false.")]})


def _is_public(private: Any, state: Any) -> bool:
    return not private_value(private) and (state or "active") == "active"


def _user_id(context: Context) -> str | None:
    user = context.get("auth_user_obj")
    if user is None or getattr(user, "id", None) is None:
        user = model.User.get(context.get("user") or "") if context.get("user") else None
    return getattr(user, "id", None)


def file_restricted(ref: Any) -> bool:
    """Whether a file (resource) or any file of a dataset must stay with its dependencia.

    ``ref``: resource id, dataset id or name, ``model.Resource``, ``model.Package`` or a
    resource/dataset dict. True when a current scan is pending, failed, incomplete or has
    findings without review. False when the guard is off."""
    if not enabled() or ref is None:
        return False
    resource_id = package_id = None
    if isinstance(ref, model.Resource):
        resource_id = ref.id
    elif isinstance(ref, model.Package):
        package_id = ref.id
    elif isinstance(ref, dict):
        if ref.get("package_id") and ref.get("id") and "resources" not in ref:
            resource_id = ref["id"]
        else:
            package_id = ref.get("id") or ref.get("name")
    elif isinstance(ref, str):
        if model.Resource.get(ref) is not None:
            resource_id = ref
        else:
            pkg = model.Package.get(ref)
            package_id = pkg.id if pkg is not None else None
    query = model.Session.query(pmodel.PrivacyScan.id).filter(
        pmodel.PrivacyScan.superseded.is_(False), pmodel.blocking_filter())
    if resource_id:
        query = query.filter(pmodel.PrivacyScan.resource_id == resource_id)
    elif package_id:
        query = query.filter(pmodel.PrivacyScan.package_id == package_id)
    else:
        return False
    return query.first() is not None


@dataclasses.dataclass
class _Target:
    """The dataset an action changes, as the gate sees it."""

    pkg: model.Package | None  # None for package_create
    public: bool  # public once the action is done
    old: dict[str, model.Resource]  # its resources before the action, by id


@dataclasses.dataclass
class _Review:
    """What the gate found in the resources of the request."""

    plan: Plan = dataclasses.field(default_factory=Plan)
    replaced: set[str] = dataclasses.field(default_factory=set)  # resources whose scans no longer count
    errors: list[str | dict[str, Any]] = dataclasses.field(default_factory=list)  # one per resource of the request
    new_findings: int = 0  # new files with findings, or to be scanned in the background

    def refuse(self, pos: int, field: str, message: str) -> None:
        self.new_findings += 1
        self.errors[pos] = {field: [message]}


def _target(action: str, data_dict: DataDict) -> _Target | None:
    """The dataset of the action; None when it is not guarded (another type, or not found: CKAN
    raises NotFound itself). A ``private`` that is not a boolean is a ValidationError."""
    if action != "package_update":
        if (data_dict.get("type") or "dataset") != "dataset":
            return None
        public = _is_public(data_dict.get("private", False), data_dict.get("state") or "active")
        return _Target(None, public, {})
    ref = data_dict.get("id") or data_dict.get("name")
    pkg = model.Package.get(ref) if ref else None
    if pkg is None or pkg.type != "dataset":
        return None
    public = _is_public(data_dict.get("private", pkg.private), data_dict.get("state") or pkg.state)
    return _Target(pkg, public, {r.id: r for r in pkg.resources})


def _check_upload(review: _Review, pos: int, res: dict[str, Any], upload: Any, limit: int) -> None:
    """A new file: scanned now when small enough, else in the background after the action."""
    fmt = resource_format(res, upload.filename)
    if res.get("id"):
        review.replaced.add(res["id"])
    if fmt not in SUPPORTED_FORMATS:
        return
    size = _stream_size(upload.stream)
    if size is not None and size <= limit:
        result = scan_stream(upload.stream, fmt, **scan_options(inline=True))
        upload.stream.seek(0)
        review.plan.inline.append((pos, result, fmt))
        if result.has_findings:
            review.refuse(pos, "upload", upload_message())
    else:
        review.plan.deferred.append((pos, "upload", fmt))
        review.refuse(pos, "upload", pending_message(upload.filename))


def _check_link(review: _Review, pos: int, res: dict[str, Any], previous: model.Resource | None) -> None:
    """A resource without a new file: a new or changed link is scanned in the background (when
    links are scanned); a stored upload that stays keeps its scans."""
    url = res.get("url") or ""
    if previous is not None and previous.url_type == "upload" and \
            (res.get("url_type") or "upload") == "upload":
        return
    changed = previous is None or previous.url != url or (previous.format or "") != (res.get("format") or "")
    if changed and previous is not None:
        review.replaced.add(previous.id)
    if not changed or not url or res.get("url_type") == "upload":
        return
    fmt = resource_format(res)
    if fmt not in SUPPORTED_FORMATS:
        return
    if sach_config.privacy_scan_links():
        review.plan.deferred.append((pos, "link", fmt))
        review.refuse(pos, "url", pending_message(res.get("name") or url.rsplit("/", 1)[-1]))


def _review_resources(resources: Any, old: dict[str, model.Resource]) -> _Review:
    review = _Review()
    limit = sach_config.privacy_inline_max_size()
    for pos, res in enumerate(resources or []):
        review.errors.append({})
        if not isinstance(res, dict):
            continue
        upload = _upload_of(res)
        if upload is not None:
            _check_upload(review, pos, res, upload, limit)
        else:
            _check_link(review, pos, res, old.get(res.get("id") or ""))
    return review


def _refuse_if_blocked(target: _Target, resources: Any, review: _Review) -> None:
    """A dataset that is to be public: refused while new files have findings or wait for a scan,
    or while scans of the files it keeps block it."""
    kept = set(target.old) if resources is None else {r.get("id") for r in resources if isinstance(r, dict)}
    blocking = [] if target.pkg is None else [
        s for s in pmodel.blocking_scans(target.pkg.id, review.replaced)
        if s.resource_id in kept or s.resource_id is None
    ]
    if review.new_findings:
        raise tk.ValidationError({"resources": review.errors})
    if blocking:
        raise tk.ValidationError({"private": [scans_message(blocking)]})


def before(action: str, context: Context, data_dict: DataDict) -> Plan | None:
    """Step 1 and 2 of the gate: scan what can be scanned now, refuse a public dataset that is
    blocked, and say what to store and schedule after the action (``after``)."""
    if context.get(SKIP_FLAG) or not enabled():
        return None
    target = _target(action, data_dict)
    if target is None:
        return None
    resources = data_dict.get("resources")
    review = _review_resources(resources, target.old)
    if target.public:
        _refuse_if_blocked(target, resources, review)
    review.plan.user_id = _user_id(context)
    return review.plan


def pending_message(name: str) -> str:
    return tk._(
        "«{name}» se revisará en segundo plano en busca de datos personales; mientras la revisión "
        "esté pendiente el conjunto de datos no puede ser público. Guárdelo como privado y "
        "publíquelo cuando la revisión termine."
    ).format(name=name)


def scan_options(inline: bool = False) -> dict[str, Any]:
    seconds = sach_config.privacy_max_seconds()
    return {"max_bytes": sach_config.privacy_max_size(), "max_samples": sach_config.privacy_max_samples(),
            "max_seconds": min(seconds, 15) if inline else seconds,
            "max_depth": sach_config.privacy_max_depth(), "max_ratio": sach_config.privacy_max_ratio()}


def after(plan: Plan | None, result: Any, context: Context | None = None) -> None:
    if plan is None or not isinstance(result, dict) or not (plan.inline or plan.deferred):
        return
    resources = result.get("resources") or []
    now = pmodel.utcnow()
    jobs: list[str] = []
    for pos, scan_result, fmt in plan.inline:
        if pos >= len(resources):
            continue
        res_id = resources[pos]["id"]
        pmodel.supersede(res_id)
        model.Session.add(pmodel.PrivacyScan(
            package_id=result["id"], resource_id=res_id, status=status_of(scan_result),
            source="upload", format=fmt, total=scan_result.total, finished=now, uploaded_by=plan.user_id,
            summary=json.dumps(summary_of(scan_result), ensure_ascii=False)))
    for pos, source, fmt in plan.deferred:
        if pos >= len(resources):
            continue
        res_id = resources[pos]["id"]
        pmodel.supersede(res_id)
        scan = pmodel.PrivacyScan(package_id=result["id"], resource_id=res_id, status="pending",
                                  source=source, format=fmt, uploaded_by=plan.user_id)
        model.Session.add(scan)
        model.Session.flush()
        jobs.append(scan.id)
    if (context or {}).get("defer_commit"):
        model.Session.flush()
    else:
        model.Session.commit()
    enqueue(jobs)
    for pos, _scan_result, _fmt in plan.inline:
        if pos < len(resources):
            datastore_after_scan(resources[pos]["id"], submit=False)
    for pos, scan_result, _fmt in plan.inline:
        if scan_result.has_findings and pos < len(resources):
            from .jobs import notify

            notify(result["id"], resources[pos]["id"])


def datastore_after_scan(resource_id: str | None, submit: bool = True) -> None:
    """The DataStore follows a stored scan: findings delete the file's table; a clean scan of a
    file not yet loaded submits it when ``submit`` (background scans: the upload itself was not
    loaded while its scan was pending; inline scans are followed by xloader's own submission).
    Only with the ``sach_datastore`` plugin (:mod:`ckanext.sach.datastore.guard`)."""
    if not plugin_loaded("sach_datastore"):
        return
    from ckanext.sach.datastore import guard as datastore_guard

    datastore_guard.after_scan(resource_id, submit=submit)


def enqueue(scan_ids: list[str]) -> None:
    """One background job per scan (the function object: RQ 2 refuses "module:function")."""
    from .jobs import scan_resource

    for scan_id in scan_ids:
        try:
            tk.enqueue_job(scan_resource, [scan_id], title="Revisión de datos personales",
                           rq_kwargs={"timeout": 3600})
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
