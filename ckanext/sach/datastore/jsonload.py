"""JSON files that are tables, loaded into the DataStore by a background job of this extension.

Why not xloader: ckanext-xloader 2.5.2 loads CSV, TSV and spreadsheets only. Its reader
(tabulator's ``json`` parser) does read an array of objects, but xloader asks for no header row,
so it takes the first record's *values* as the column names (and loses that record), and it
reads nothing from an object that holds the array in a member (``{"data": [...]}``).

What is a table here: an array of objects (``[{"a": 1}, {"a": 2}]``), or an object with exactly
one member that is an array of objects (``{"total": 2, "data": [...]}``; its other members are
ignored). The columns are the keys in the order first seen; a column whose values are all
numbers is ``numeric``, all booleans ``bool``, anything else ``text`` (nested objects and
arrays as their JSON text).

The job reports through xloader's own status (``task_status`` key ``xloader``, and
``xloader_hook`` at the end), so the resource page shows the same Spanish status, the retry
button and the personal-data guard work alike, and the data dictionary and the default views
are applied as after an xloader load. The table is written with ``datastore_create`` and
``datastore_upsert`` in chunks; a load that fails part way deletes the table: never a
half-loaded table.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any, cast

import requests

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from . import guard

__all__ = ["FORMATS", "MAX_BYTES", "JsonTableError", "is_json", "load_job", "submit", "table_of"]

log = logging.getLogger(__name__)

FORMATS = frozenset({"json", "application/json"})
MAX_BYTES = 50 * 1024 * 1024
CHUNK = 1000
MAX_COLUMNS = 1000
MAX_NAME = 63
STALE_AFTER = datetime.timedelta(hours=1)

# xloader's errors are English text that ckanext.sach.datastore.status turns into Spanish;
# these are matched there too.
NOT_A_TABLE = "JSON is not a table"
NOT_JSON = "JSON could not be parsed"
BAD_COLUMN = "JSON column name not valid"
TOO_LARGE = "JSON file too large"


class JsonTableError(ValueError):
    """The file cannot be loaded as a table; the message (English) is mapped to Spanish."""


def _utcnow() -> datetime.datetime:
    """Naive UTC, as CKAN's ``task_status`` and xloader keep their times."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def is_json(fmt: str | None) -> bool:
    return (fmt or "").strip().lower() in FORMATS


# -- submitting ------------------------------------------------------------------------------

def _task(resource_id: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("task_status_show")(
            {"ignore_auth": True}, {"entity_id": resource_id, "task_type": "xloader", "key": "xloader"})
    except tk.ObjectNotFound:
        return None


def _save_task(task: dict[str, Any]) -> None:
    """In a session of its own: the caller's transaction (a resource being saved) is not committed."""
    context = cast("Any", {"session": model.meta.create_local_session(), "ignore_auth": True})
    tk.get_action("task_status_update")(context, task)


def _busy(task: dict[str, Any] | None) -> bool:
    if not task or task.get("state") not in ("pending", "running"):
        return False
    try:
        updated = datetime.datetime.fromisoformat(str(task.get("last_updated")))
    except ValueError:
        return False
    return _utcnow() - updated < STALE_AFTER


def submit(resource_id: str, ignore_hash: bool = False) -> bool:
    """Queue the load of a JSON resource; False when it may not be loaded or is already queued."""
    if not guard.may_load(resource_id):
        return False
    old = _task(resource_id)
    if _busy(old):
        log.info("JSON load of resource %s already queued", resource_id)
        return False
    now = str(_utcnow())
    task = {"entity_id": resource_id, "entity_type": "resource", "task_type": "xloader", "key": "xloader",
            "state": "pending", "last_updated": now, "error": "{}",
            "value": json.dumps({"job_id": None, "hash": _old_hash(old)})}
    if old:
        task["id"] = old["id"]
    _save_task(task)
    tk.enqueue_job(load_job, [resource_id, ignore_hash], title=f"Carga JSON del recurso {resource_id}",
                   rq_kwargs={"timeout": 3600})
    return True


def _old_hash(task: dict[str, Any] | None) -> str | None:
    try:
        return json.loads((task or {}).get("value") or "{}").get("hash")
    except ValueError:
        return None


# -- reading the table -----------------------------------------------------------------------

def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _records(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        if not data:
            raise JsonTableError(guard.EMPTY)
        if _is_records(data):
            return data
        raise JsonTableError(NOT_A_TABLE + ": an array whose items are not all objects")
    if isinstance(data, dict):
        members = [value for value in data.values() if _is_records(value)]
        if len(members) == 1:
            return members[0]
        if not members and any(isinstance(v, list) and not v for v in data.values()):
            raise JsonTableError(guard.EMPTY)
        raise JsonTableError(NOT_A_TABLE + f": an object with {len(members)} arrays of objects")
    raise JsonTableError(NOT_A_TABLE + ": a single value")


def _columns(records: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        for key in record:
            seen.setdefault(key, None)
    names = list(seen)
    if len(names) > MAX_COLUMNS:
        raise JsonTableError(NOT_A_TABLE + f": more than {MAX_COLUMNS} columns")
    for name in names:
        if not name.strip() or name.startswith("_") or '"' in name or len(name) > MAX_NAME:
            raise JsonTableError(f"{BAD_COLUMN}: {name[:80]!r}")
    return names


def _type_of(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "numeric"
    return "text"


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def table_of(data: Any) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """(DataStore fields, records) of a table-shaped JSON document; JsonTableError otherwise."""
    records = _records(data)
    names = _columns(records)
    types = {name: _type_of([r.get(name) for r in records]) for name in names}
    rows = [{name: (_as_text(r.get(name)) if types[name] == "text" else r.get(name)) for name in names}
            for r in records]
    return [{"id": name, "type": types[name]} for name in names], rows


def _read_bytes(resource: dict[str, Any]) -> bytes:
    if resource.get("url_type") == "upload":
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    else:
        with requests.get(resource["url"], stream=True, timeout=60) as response:
            response.raise_for_status()
            data = b""
            for chunk in response.iter_content(1 << 16):
                data += chunk
                if len(data) > MAX_BYTES:
                    break
    if len(data) > MAX_BYTES:
        raise JsonTableError(f"{TOO_LARGE} (more than {MAX_BYTES // (1024 * 1024)} MB)")
    return data


def _parse(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise JsonTableError(f"{NOT_JSON}: {str(exc)[:200]}") from exc


# -- writing the table -----------------------------------------------------------------------

def _write(resource_id: str, fields: list[dict[str, str]], rows: list[dict[str, Any]]) -> None:
    """The whole table, or none: a failure part way deletes what was written."""
    guard.delete_table(resource_id, "replaced by a new load of its JSON file")
    try:
        tk.get_action("datastore_create")({"ignore_auth": True}, {
            "resource_id": resource_id, "force": True, "fields": fields, "records": rows[:CHUNK]})
        for start in range(CHUNK, len(rows), CHUNK):
            guard.check_before_load(resource_id)
            tk.get_action("datastore_upsert")({"ignore_auth": True}, {
                "resource_id": resource_id, "force": True, "method": "insert",
                "records": rows[start:start + CHUNK]})
    except tk.ValidationError as exc:
        guard.delete_table(resource_id, "its JSON load failed part way")
        raise JsonTableError(f"Loading file raised an error: {str(exc.error_dict)[:300]}") from exc
    except BaseException:
        guard.delete_table(resource_id, "its JSON load failed part way")
        raise


def _hook(resource_id: str, status: str, error: str | None = None) -> None:
    """Report as xloader's job does (``xloader_hook``): status, data dictionary, default views."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    tk.get_action("xloader_hook")({"ignore_auth": True, "user": site_user}, {
        "metadata": {"resource_id": resource_id}, "status": status,
        "error": json.dumps({"message": error}) if error else None})


def _remember_hash(resource_id: str, digest: str) -> None:
    task = _task(resource_id)
    if task:
        task["value"] = json.dumps({"job_id": None, "hash": digest})
        _save_task(task)


def _load(resource_id: str, ignore_hash: bool) -> None:
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    data = _read_bytes(resource)
    digest = hashlib.sha256(data).hexdigest()
    if not ignore_hash and digest == _old_hash(_task(resource_id)) and guard.table_exists(resource_id):
        log.info("JSON of resource %s unchanged: not loaded again", resource_id)
        _hook(resource_id, "complete")
        return
    fields, rows = table_of(_parse(data))
    guard.check_before_load(resource_id)
    _write(resource_id, fields, rows)
    _remember_hash(resource_id, digest)
    log.info("JSON of resource %s loaded: %d rows", resource_id, len(rows))
    _hook(resource_id, "complete")


def load_job(resource_id: str, ignore_hash: bool = False) -> None:
    """The background job (run by ``ckan jobs worker``)."""
    _hook(resource_id, "running")
    try:
        _load(resource_id, ignore_hash)
    except (JsonTableError, guard.PersonalDataPendingError) as exc:
        _hook(resource_id, "error", str(exc))
    except (OSError, requests.RequestException) as exc:
        _hook(resource_id, "error", f"Loading file raised an error: could not read the file ({exc})")
    except tk.ObjectNotFound:
        log.warning("JSON load: resource %s no longer exists", resource_id)
    except Exception as exc:
        log.exception("JSON load of resource %s failed", resource_id)
        _hook(resource_id, "error", f"Loading file raised an error: {type(exc).__name__}")
    finally:
        model.Session.remove()
