"""The Redis cache shared by search, DCAT and the microsite.

A :class:`Namespace` keeps computed values in Redis under a *generation*: a counter of the
namespace that :meth:`Namespace.bump` moves on, so that every value cached before becomes
unreachable at once (and expires by its TTL). Values are stored as JSON.

The cache is optional. Redis down, restarting or unreachable means the value is computed and
served as if nothing were cached: only :class:`redis.exceptions.RedisError` (and a stored value
that does not decode) are caught, logged and treated as a miss; any other error is a bug and
propagates.

Identical misses do not stampede: the first request that misses a key takes a short lock
(``SET NX PX``) and computes; the others wait for its value (polling briefly), and compute
themselves only if the lock holder dies, fails or does not store a value before the lock
expires. :meth:`Namespace.filling` exposes the same steps to callers that decide after
computing whether the value may be stored (search results read on a lagging replica).

DCAT keeps one Redis hash per dataset with versioned fields instead of generations; it uses
:func:`client` and :func:`guarded` from here for the connection and the error policy.
"""
from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from redis import Redis
from redis.exceptions import RedisError

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

__all__ = ["LOCK_MS", "MISSING", "WAIT_SECONDS", "Fill", "Namespace", "client", "guarded"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: how long a computing request holds the lock of a key (milliseconds)
LOCK_MS = 5000
#: how long the other requests wait for that value before computing it themselves
WAIT_SECONDS = LOCK_MS / 1000
_POLL_SECONDS = (0.01, 0.02, 0.05)

#: returned by :meth:`Namespace.get` when nothing (readable) is cached
MISSING: Any = object()

# Deletes the lock only if it is still ours (it may have expired and been taken by another).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def client() -> Redis:
    """CKAN's Redis connection (shared pool; responses are bytes, not decoded)."""
    return connect_to_redis()


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Run a cache step; a Redis failure is logged (as ``what``) and swallowed.

    Only Redis errors: the caller goes on as on a miss. Code after the failing command in the
    ``with`` block does not run, so set the fallback result before entering it."""
    try:
        yield
    except RedisError as e:
        log.warning("%s: Redis unavailable (%s)", what, e)


def _decoded(raw: Any) -> Any:
    """A stored JSON value, or :data:`MISSING` if it cannot be read."""
    if raw is None:
        return MISSING
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError is a ValueError
        log.warning("Unreadable cache entry ignored")
        return MISSING


@dataclass(frozen=True)
class Namespace:
    """Generation-keyed values of one area: ``<site_id>:sach:<name>:<generation>:<key>``.

    ``json_default`` is passed to :func:`json.dumps` (e.g. ``str`` for dates); without it a
    value that is not plain JSON is simply not cached.
    """

    name: str
    json_default: Callable[[Any], Any] | None = None

    def prefix(self) -> str:
        return f"{tk.config.get('ckan.site_id') or 'default'}:sach:{self.name}"

    def _generation_key(self) -> str:
        return f"{self.prefix()}:generation"

    def bump(self) -> None:
        """Invalidate every value of the namespace (a Redis failure is logged: nothing is
        reachable from a Redis that is down, and a restarted one is empty or older)."""
        with guarded(f"Cache {self.name}: could not invalidate"):
            client().incr(self._generation_key())

    def key(self, name: str) -> str | None:
        """The Redis key of ``name`` under the current generation (None: Redis unavailable)."""
        with guarded(f"Cache {self.name}"):
            raw = cast("bytes | None", client().get(self._generation_key()))
            return f"{self.prefix()}:{(raw or b'0').decode()}:{name}"
        return None

    def get(self, key: str | None) -> Any:
        """The value stored under ``key`` (from :meth:`key`), or :data:`MISSING`."""
        if key is None:
            return MISSING
        with guarded(f"Cache {self.name}"):
            return _decoded(client().get(key))
        return MISSING

    def put(self, key: str | None, value: Any, seconds: int) -> None:
        """Store ``value`` under ``key`` for ``seconds`` (not plain JSON: not stored)."""
        if key is None or seconds <= 0:
            return
        try:
            payload = json.dumps(value, default=self.json_default)
        except (TypeError, ValueError):
            log.debug("Cache %s: value not cached (not JSON)", self.name)
            return
        with guarded(f"Cache {self.name}: could not store"):
            client().set(key, payload, ex=seconds)

    @contextmanager
    def filling(self, name: str, seconds: int) -> Iterator[Fill]:
        """The cached value of ``name``, or the right to compute it (see :class:`Fill`)."""
        fill = Fill(self, self.key(name), seconds)
        try:
            fill.start()
            yield fill
        finally:
            fill.release()

    def get_or_compute(self, name: str, compute: Callable[[], T], seconds: int) -> T:
        """``compute()`` cached under ``name`` for ``seconds`` (0 or less: not cached)."""
        if seconds <= 0:
            return compute()
        with self.filling(name, seconds) as fill:
            if fill.hit:
                return cast("T", fill.value)
            value = compute()
            fill.put(value)
            return value


@dataclass
class Fill:
    """One lookup of a key: ``hit`` and ``value`` when found (possibly after waiting for
    another request computing it); otherwise the caller computes and may :meth:`put`."""

    namespace: Namespace
    key: str | None
    seconds: int
    value: Any = MISSING
    _token: str | None = field(default=None, repr=False)

    @property
    def hit(self) -> bool:
        return self.value is not MISSING

    @property
    def _lock(self) -> str:
        return f"{self.key}:lock"

    def start(self) -> None:
        if self.key is None:
            return
        self.value = self.namespace.get(self.key)
        if self.hit:
            return
        token = secrets.token_hex(8)
        with guarded(f"Cache {self.namespace.name}: lock"):
            if client().set(self._lock, token, nx=True, px=LOCK_MS):
                self._token = token
                return
            self.value = self._wait()

    def _wait(self) -> Any:
        """Poll for the value another request is computing; MISSING when its lock goes away
        without a value (it failed, died or chose not to store) or the wait runs out."""
        if self.key is None:
            return MISSING
        deadline = time.monotonic() + WAIT_SECONDS
        step = 0
        redis = client()
        while time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS[min(step, len(_POLL_SECONDS) - 1)])
            step += 1
            pipe = redis.pipeline(transaction=False)
            pipe.get(self.key)
            pipe.exists(self._lock)
            raw, locked = pipe.execute()
            if raw is not None:
                return _decoded(raw)
            if not locked:
                return MISSING
        return MISSING

    def put(self, value: Any) -> None:
        self.namespace.put(self.key, value, self.seconds)

    def release(self) -> None:
        if self._token is None:
            return
        token, self._token = self._token, None
        with guarded(f"Cache {self.namespace.name}: unlock"):
            client().eval(_RELEASE, 1, self._lock, token)
