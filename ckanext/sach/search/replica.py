"""Search reads on PostgreSQL streaming replicas (option `ckanext.sach.search.replica_urls`).

With replicas configured, the SELECT of `PgSearchConnection.search` (what `package_search` and
`package_autocomplete` run) may go to a hot standby instead of the primary. Everything else stays
on the primary: index writes, the rest of CKAN, and every read made outside a web or API request
(CLI commands such as `search-index rebuild|check`, background jobs), which usually follow their
own writes and are not where the read load is, and every search made by a transaction that has
uncommitted index writes (only the primary's transaction can see them).

Which reads may use a replica
-----------------------------
A replica shows the catalogue as it was when it replayed the primary's write-ahead log (WAL) up to
`pg_last_wal_replay_lsn()`. Every committed index write records the primary's WAL position
(`pg_current_wal_insert_lsn()`: the primary may run with `synchronous_commit = off`, so the flushed
position `pg_current_wal_lsn()` can lie before the commit record) in Redis, before the cache
generation moves on (see `cache.bump`), under two keys. (When the last record ends exactly at a WAL
page boundary, the insert position lies past the next page's header and replicas seem behind
until the primary writes its next record; the error is on the safe side: the primary answers.)

* the *latest index write* of the site (kept as a maximum, never lowered by a late writer);
* the writer's own key, `user id -> LSN`, for `read_your_writes_seconds`, plus a copy in this
  process's memory. A search by that user uses a replica only once the replica has replayed that
  LSN, so whoever creates, edits or withdraws a dataset sees it at once in the catalogue, in the UI
  and through the API alike, whichever web process answers. The key is per user and in Redis
  rather than in CKAN's session cookie because API clients (tokens) have no cookie, and because
  every web container shares Redis; it expires by itself, so nothing has to be cleaned up.

Anonymous visitors and users without a recent write read a replica directly, even while it is
catching up (usually milliseconds; the WAL writer flushes asynchronous commits within 200 ms), but
never an arbitrarily old one: a replica that has not replayed the latest index write answers only
while `now() - pg_last_xact_replay_timestamp()` (an upper bound of how long its view has been out
of date) stays within `max_lag_seconds`. So a dataset made private or deleted stops showing within
that bound, and a replica whose replication broke stops answering instead of serving an old
catalogue.

The Redis result cache stores an answer under the generation that was current before the query
ran. A replica's answer is stored only if that replica had replayed the latest index write (read
after the generation, and recorded before the generation moves), else a page missing the newest
change could be cached under the new generation and outlive the lag.

Failures
--------
A replica that refuses connections or times out (`connect_timeout` 2 s) is left aside for
`retry_seconds` with a warning in the log; its searches go to the next replica or to the primary,
and the user sees no error. A query cancelled on the standby (a conflict with recovery) also goes
to another replica or the primary. A query that is wrong in itself raises as on the primary.

Engines are created once per process with `pool_pre_ping`; after a fork (gunicorn's preloaded
workers, `sach search-rebuild`) a process drops the pools it inherited and opens its own.
"""
from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from redis.exceptions import RedisError
from sqlalchemy import exc as sa_exc

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from ckan.lib.redis import connect_to_redis

from ckanext.sach.search import cache, schema
from ckanext.sach.search import config as search_config

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 2
_STATE = sa.text(
    "SELECT pg_last_wal_replay_lsn()::text AS replayed, pg_last_wal_receive_lsn()::text AS received,"
    " EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp()) AS behind_seconds"
)
_PRIMARY_LSN = sa.text("SELECT pg_current_wal_insert_lsn()::text")
# SET key ARGV[1] (a zero-padded hexadecimal LSN, so text order is numeric order) unless it holds
# a larger one; ARGV[2] is an expiry in seconds, "0" for none.
_RAISE_TO = """
local current = redis.call('GET', KEYS[1])
if current and current >= ARGV[1] then return 0 end
if ARGV[2] == '0' then redis.call('SET', KEYS[1], ARGV[1])
else redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2])) end
return 1
"""


# -- LSNs ---------------------------------------------------------------------------------------
def parse_lsn(text: str | bytes | None) -> int | None:
    """`16/B374D848` (PostgreSQL's pg_lsn) or its padded form -> an integer (None stays None)."""
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode()
    if "/" in text:
        high, low = text.split("/", 1)
        return (int(high, 16) << 32) | int(low, 16)
    return int(text, 16)


def _padded(lsn: int) -> str:
    return f"{lsn:016X}"


# -- replicas of this process -------------------------------------------------------------------
@dataclass
class Replica:
    url: str
    engine: sa.engine.Engine
    label: str
    down: bool = False
    retry_at: float = 0.0

    def available(self) -> bool:
        return time.monotonic() >= self.retry_at

    def set_aside(self, reason: str) -> None:
        """Leave the replica aside for `retry_seconds` (one warning per outage)."""
        retry = search_config.replica_retry_seconds()
        if not self.down:
            log.warning(
                "Search replica %s cannot answer (%s): its searches go to the primary; "
                "retrying every %s s", self.label, reason, retry,
            )
        else:
            log.debug("Search replica %s still cannot answer (%s)", self.label, reason)
        self.down = True
        self.retry_at = time.monotonic() + retry

    def answered(self) -> None:
        if self.down:
            log.info("Search replica %s answers again", self.label)
            self.down = False


@dataclass
class _Pool:
    pid: int
    urls: tuple[str, ...]
    replicas: list[Replica]


@dataclass
class _Current:
    """The replica engines of this process (rebuilt after a fork or a change of the option)."""

    pool: _Pool | None = None


_lock = threading.Lock()
_current = _Current()
_turn = itertools.count()
_own_writes: dict[str, tuple[int, float]] = {}  # user id -> (LSN, expiry), this process


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


def _make_engine(url: str) -> sa.engine.Engine:
    """A pool like CKAN's own (`sqlalchemy.pool_size`/`max_overflow`, default 5 + 5) per
    replica and process, checked before use, with a short connect timeout."""
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=int(tk.config.get("sqlalchemy.pool_size", None) or 5),
        max_overflow=int(tk.config.get("sqlalchemy.max_overflow", None) or 5),
        pool_recycle=1800,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS,
                      "application_name": "ckanext-sach search replica"},
    )


def replicas() -> list[Replica]:
    """The configured replicas, with engines of this process (built again after a fork or a
    change of the option)."""
    urls = tuple(search_config.replica_urls())
    pool = _current.pool
    if pool is not None and pool.pid == os.getpid() and pool.urls == urls:
        return pool.replicas
    with _lock:
        pool = _current.pool
        if pool is not None and (pool.pid != os.getpid() or pool.urls != urls):
            for replica in pool.replicas:
                # After a fork the connections are the parent's: forget them, never close them.
                replica.engine.dispose(close=pool.pid == os.getpid())
            pool = None
        if pool is None:
            built = []
            for url in urls:
                engine = _make_engine(url)
                built.append(Replica(url, engine, engine.url.render_as_string()))
            pool = _current.pool = _Pool(os.getpid(), urls, built)
    return pool.replicas


def dispose() -> None:
    """Close every replica connection of this process (tests, shutdown)."""
    with _lock:
        pool = _current.pool
        if pool is not None and pool.pid == os.getpid():
            for replica in pool.replicas:
                replica.engine.dispose()
        _current.pool = None
    _own_writes.clear()


def _in_turn(available: Sequence[Replica]) -> list[Replica]:
    if not available:
        return []
    start = next(_turn) % len(available)
    return [*available[start:], *available[:start]]


# -- recording writes ---------------------------------------------------------------------------
def _prefix() -> str:
    return f"{tk.config.get('ckan.site_id') or 'default'}:sach:replica"


def _latest_key() -> str:
    return f"{_prefix()}:latest-index-write"


def _user_key(user_id: str) -> str:
    return f"{_prefix()}:user:{user_id}"


def _current_user_id() -> str | None:
    """The logged-in user of the web or API request being served (None: anonymous, or no
    request)."""
    if not has_request_context():
        return None
    try:
        if current_user.is_authenticated:
            return str(current_user.id)
    except AttributeError:
        return None
    return None


def _primary_lsn() -> int | None:
    """The primary's WAL insert position, read on a connection of its own (CKAN's session may be
    between transactions, e.g. in an after-commit hook)."""
    try:
        with schema.engine().connect() as connection:
            return parse_lsn(connection.execute(_PRIMARY_LSN).scalar())
    except sa_exc.DBAPIError as e:
        log.warning("Could not read the primary's WAL position: %s", _first_line(e))
        return None


def note_index_write() -> None:
    """Record where the primary's WAL stands after an index write was committed: as the site's
    latest index write and as the current user's own. Called by `cache.bump` before the cache
    generation moves on; does nothing without replicas."""
    if not search_config.replica_urls():
        return
    lsn = _primary_lsn()
    if lsn is None:
        return
    user_id = _current_user_id()
    keep = search_config.replica_read_your_writes_seconds()
    if user_id is not None:
        _own_writes[user_id] = (lsn, time.monotonic() + keep)
    try:
        raise_to = connect_to_redis().register_script(_RAISE_TO)
        raise_to(keys=[_latest_key()], args=[_padded(lsn), "0"])
        if user_id is not None:
            raise_to(keys=[_user_key(user_id)], args=[_padded(lsn), str(max(1, keep))])
    except RedisError as e:  # Redis down: reads of logged-in users go to the primary (below)
        log.warning("Could not record an index write for the search replicas: %s", e)


# -- reading ------------------------------------------------------------------------------------
@dataclass
class _Needs:
    own_write: int | None  # the user's own last index write: a replica must have replayed it
    latest_write: int | None  # the site's latest index write (None: unknown)
    primary_only: bool = False  # cannot tell what this user must see: read the primary


def _needs() -> _Needs:
    user_id = _current_user_id()
    own = None
    if user_id is not None:
        remembered = _own_writes.get(user_id)
        if remembered is not None:
            if remembered[1] > time.monotonic():
                own = remembered[0]
            else:
                _own_writes.pop(user_id, None)
    try:
        redis = connect_to_redis()
        keys = [_latest_key()] + ([_user_key(user_id)] if user_id is not None else [])
        values = redis.mget(keys)
        latest = parse_lsn(values[0])
        if latest is None:
            # Nothing recorded yet (replicas just enabled, Redis emptied): start from where the
            # primary stands now, so that later comparisons stay on the safe side.
            latest = _primary_lsn()
            if latest is not None:
                redis.set(_latest_key(), _padded(latest), nx=True)
    except RedisError as e:  # any Redis failure: the user's own writes are unknown
        log.warning("Search replicas: Redis unavailable (%s)", e)
        return _Needs(own, None, primary_only=user_id is not None)
    if user_id is not None and values[1] is not None:
        stored = parse_lsn(values[1])
        own = stored if own is None or (stored is not None and stored > own) else own
    return _Needs(own, latest)


@dataclass
class _Answer:
    rows: list[Any]
    replayed_latest: bool


def _freshness(state: Any, needs: _Needs) -> bool | None:
    """Whether a replica in `state` has replayed the latest index write (True), may answer
    without (False), or may not answer this search at all (None)."""
    replayed = parse_lsn(state["replayed"])
    if replayed is None:
        return None
    if needs.own_write is not None and replayed < needs.own_write:
        return None  # the user must see their own write: the primary answers
    if needs.latest_write is not None:
        caught_up = replayed >= needs.latest_write
    else:  # latest write unknown (Redis down): has it replayed all it received?
        received = parse_lsn(state["received"])
        caught_up = False if received is None else replayed >= received
    if caught_up:
        return needs.latest_write is not None
    behind = state["behind_seconds"]
    if behind is None or float(behind) > search_config.replica_max_lag_seconds():
        return None
    return False


def _read_on(replica: Replica, statement: Any, params: dict[str, Any],
             needs: _Needs) -> _Answer | None:
    """The rows from `replica`, or None when it cannot answer this search (unreachable, not a
    standby, behind what the user must see, too far behind, or its query was cancelled)."""
    try:
        connection = replica.engine.connect()
    except sa_exc.DBAPIError as e:
        replica.set_aside(_first_line(e))
        return None
    with connection:
        try:
            state = connection.execute(_STATE).mappings().one()
            if state["replayed"] is None:
                replica.set_aside("not a standby: pg_last_wal_replay_lsn() is NULL")
                return None
            fresh = _freshness(state, needs)
            if fresh is None:
                return None
            rows = connection.execute(statement, params).mappings().all()
        except sa_exc.DBAPIError as e:
            if e.connection_invalidated:
                replica.set_aside(_first_line(e))
                return None
            if isinstance(e, sa_exc.OperationalError):  # e.g. a conflict with recovery
                log.warning("Search on replica %s failed (%s): trying another replica or the "
                            "primary", replica.label, _first_line(e))
                return None
            raise
    replica.answered()
    return _Answer(list(rows), replayed_latest=fresh)


def _read_on_primary(session: Any, statement: Any, params: dict[str, Any]) -> list[Any]:
    with session.begin_nested():
        return session.execute(statement, params).mappings().all()


def execute(session: Any, statement: Any, params: dict[str, Any],
            cache_key: str | None) -> tuple[list[Any], str | None]:
    """Run a search SELECT on a replica when one may answer it, else on the primary in `session`.

    Returns the rows and the key under which the result may be cached: `cache_key` unchanged,
    or None when the answer came from a replica that had not replayed the latest index write."""
    if not _may_use_replicas(session):
        return _read_on_primary(session, statement, params), cache_key
    available = [r for r in replicas() if r.available()]
    if not available:
        return _read_on_primary(session, statement, params), cache_key
    needs = _needs()
    if not needs.primary_only:
        for replica in _in_turn(available):
            answer = _read_on(replica, statement, params, needs)
            if answer is not None:
                return answer.rows, cache_key if answer.replayed_latest else None
    return _read_on_primary(session, statement, params), cache_key


def _may_use_replicas(session: Any) -> bool:
    """Replicas configured, a web or API request, and no uncommitted index write in `session`
    (which only the primary's transaction can see)."""
    if not search_config.replica_urls() or not has_request_context():
        return False
    return not cache.is_dirty()
