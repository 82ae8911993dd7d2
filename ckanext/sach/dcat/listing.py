"""Which datasets the exports contain, read straight from the ``package`` table.

Only public, active datasets of type ``dataset`` — private, draft, deleted
datasets and the microsite's other dataset types never appear. Order is the
stable key ``(metadata_created, id)``: editing a dataset does not move it, so a
harvester walking the pages while datasets are edited neither skips nor
repeats one; paging by cursor (the key of the last row served) is also immune
to datasets deleted or created meanwhile.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlalchemy import text as sa_text
from sqlalchemy.exc import ProgrammingError

from ckan import model

PUBLIC = "p.type = 'dataset' AND p.state = 'active' AND p.private = false"


class Row(NamedTuple):
    id: str
    name: str
    metadata_created: dt.datetime
    metadata_modified: dt.datetime


class BadParameterError(ValueError):
    """A request parameter that cannot be used (the message says why)."""


def _where(since: dt.datetime | None, after: tuple[dt.datetime, str] | None) -> tuple[str, dict[str, Any]]:
    clauses = [PUBLIC]
    params: dict[str, Any] = {}
    if since is not None:
        clauses.append("p.metadata_modified >= :since")
        params["since"] = since
    if after is not None:
        clauses.append("(p.metadata_created, p.id) > (:after_created, :after_id)")
        params["after_created"], params["after_id"] = after
    return " AND ".join(clauses), params


def rows(since: dt.datetime | None = None, after: tuple[dt.datetime, str] | None = None,
         limit: int | None = None, offset: int = 0) -> list[Row]:
    where, params = _where(since, after)
    sql = (f"SELECT p.id, p.name, p.metadata_created, p.metadata_modified FROM package p "  # noqa: S608 -- the clauses are fixed fragments of this module; values are bound
           f"WHERE {where} ORDER BY p.metadata_created, p.id")
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    if offset:
        sql += " OFFSET :offset"
        params["offset"] = offset
    return [Row(*r) for r in model.Session.execute(sa_text(sql), params)]


def iter_rows(since: dt.datetime | None = None, batch: int = 500) -> Iterator[Row]:
    """Every row, fetched in keyset batches so memory stays flat."""
    after = None
    while True:
        chunk = rows(since=since, after=after, limit=batch)
        yield from chunk
        if len(chunk) < batch:
            return
        after = (chunk[-1].metadata_created, chunk[-1].id)


def summary(since: dt.datetime | None = None) -> tuple[int, dt.datetime | None, str]:
    """Count, latest modification and a digest of (id, modified) of the selection."""
    where, params = _where(since, None)
    count, latest, digest = model.Session.execute(sa_text(
        f"SELECT count(*), max(p.metadata_modified), "  # noqa: S608 -- the clauses are fixed fragments of this module; values are bound
        f"md5(coalesce(string_agg(p.id || p.metadata_modified::text, ',' ORDER BY p.id), '')) "
        f"FROM package p WHERE {where}"), params).one()
    return count, latest, digest


def find(id_or_name: str) -> Row | None:
    """The dataset if it is public, active and of type ``dataset``; else None (also for
    keys no dataset can have: PostgreSQL refuses NUL bytes in text)."""
    if not isinstance(id_or_name, str) or not id_or_name or len(id_or_name) > 100 or "\x00" in id_or_name:
        return None
    result = model.Session.execute(sa_text(
        f"SELECT p.id, p.name, p.metadata_created, p.metadata_modified FROM package p "  # noqa: S608 -- the clauses are fixed fragments of this module; values are bound
        f"WHERE (p.id = :key OR p.name = :key) AND {PUBLIC}"), {"key": id_or_name}).first()
    return Row(*result) if result else None


_WITHDRAWN = """
    WITH hidden AS MATERIALIZED (
        SELECT p.id, p.name, p.state, p.private, p.metadata_modified FROM package p
        WHERE p.type = 'dataset' AND (p.state <> 'active' OR p.private)
    )
    SELECT h.id, h.name, h.state, h.private,
           GREATEST(h.metadata_modified,
                    coalesce((SELECT max(a.timestamp) FROM activity a WHERE a.object_id = h.id),
                             h.metadata_modified)) AS changed
    FROM hidden h
    WHERE EXISTS (SELECT 1 FROM activity a
                  WHERE a.object_id = h.id
                    AND a.activity_type IN ('new package', 'changed package')
                    AND (a.data::jsonb -> 'package' ->> 'private') = 'false'
                    AND (a.data::jsonb -> 'package' ->> 'state') = 'active')
"""


def last_withdrawal() -> dt.datetime | None:
    """When a once-public dataset was last deleted or made private (for Last-Modified)."""
    try:
        return model.Session.execute(sa_text(f"SELECT max(t.changed) FROM ({_WITHDRAWN}) t")).scalar()  # noqa: S608 -- the clauses are fixed fragments of this module; values are bound
    except ProgrammingError:
        model.Session.rollback()
        return None


def withdrawn(since: dt.datetime) -> list[dict[str, Any]]:
    """Datasets that were public at some point and since ``since`` were deleted or made private.

    "Was public" comes from the activity stream (an activity whose dataset
    snapshot is active and not private), so datasets that were never published
    are not revealed. Purged datasets leave no trace and cannot be listed.
    """
    try:
        result = model.Session.execute(sa_text(f"SELECT * FROM ({_WITHDRAWN}) t WHERE t.changed >= :since "  # noqa: S608 -- the clauses are fixed fragments of this module; values are bound
                                                "ORDER BY t.changed, t.id"), {"since": since}).fetchall()
    except ProgrammingError:  # activity plugin not installed: nothing can be proven public
        model.Session.rollback()
        return []
    out = []
    for id_, name, state, private, changed in result:
        out.append({
            "id": id_,
            "name": name,
            "status": "deleted" if state == "deleted" else ("private" if private else state),
            "changed": changed.isoformat(),
        })
    return out


# ---------------------------------------------------------------- parameters
def parse_since(value: str | None) -> dt.datetime | None:
    if value is None or value == "":
        return None
    from dateutil.parser import isoparse

    try:
        parsed = isoparse(value.strip())
    except (ValueError, OverflowError):
        raise BadParameterError(
            f"modified_since: fecha no válida {value!r}; use ISO 8601, p. ej. 2026-01-31 o 2026-01-31T12:00:00Z"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def parse_positive(name: str, value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadParameterError(f"{name}: debe ser un entero positivo (recibido {value!r})") from None
    if number < 1:
        raise BadParameterError(f"{name}: debe ser un entero positivo, 1 o mayor (recibido {value!r})")
    return number


def encode_cursor(row: Row) -> str:
    raw = json.dumps([row.metadata_created.isoformat(), row.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[dt.datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        created, id_ = json.loads(raw)
        return dt.datetime.fromisoformat(created), str(id_)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadParameterError("cursor: valor no válido; use el enlace hydra:next de la página anterior") from None
