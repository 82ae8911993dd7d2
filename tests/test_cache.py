"""The shared Redis cache (``ckanext.sach.cache``), through real Redis servers.

A generation bump hides every value of its namespace and no other; Redis stopped or unreachable
means the value is computed and served, never an error; identical misses arriving together (real
threads) compute once, and a lock left by a request that died delays the others only until it
expires.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import ckan.lib.redis as ckan_redis

from ckanext.sach import cache


@pytest.fixture
def namespace() -> cache.Namespace:
    return cache.Namespace(f"test-{uuid.uuid4().hex[:8]}")


class Counter:
    """A computation that counts its runs (and can be slow)."""

    def __init__(self, value: Any = "computed", seconds: float = 0.0) -> None:
        self.value, self.seconds, self.runs = value, seconds, 0
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        with self._lock:
            self.runs += 1
        time.sleep(self.seconds)
        return self.value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis(ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Callable[[], None]]]:
    """CKAN pointed at a redis-server of this test, which the test can stop and start again."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed")
    port, workdir = _free_port(), tempfile.mkdtemp(prefix="sach-cache-redis-")
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        procs.append(subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir, "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            except OSError:
                time.sleep(0.05)
            else:
                return
        raise RuntimeError("redis-server did not start")

    def stop() -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)

    monkeypatch.setitem(ckan_config, "ckan.redis.url", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    start()
    try:
        yield {"start": start, "stop": stop}
    finally:
        stop()
        ckan_redis._connection_pool = None
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_value_is_served_from_the_cache_until_its_generation_moves_on(namespace: cache.Namespace) -> None:
    first, second = Counter("first"), Counter("second")
    assert namespace.get_or_compute("page", first, 60) == "first"
    assert namespace.get_or_compute("page", second, 60) == "first"
    assert second.runs == 0

    other = cache.Namespace(namespace.name + "-other")
    assert other.get_or_compute("page", Counter("other"), 60) == "other"

    namespace.bump()
    assert namespace.get_or_compute("page", second, 60) == "second"
    assert second.runs == 1
    # another namespace keeps its values
    assert other.get_or_compute("page", Counter("changed"), 60) == "other"


def test_values_that_are_falsy_are_cached_too(namespace: cache.Namespace) -> None:
    assert namespace.get_or_compute("empty", Counter([]), 60) == []
    again = Counter(["x"])
    assert namespace.get_or_compute("empty", again, 60) == []
    assert again.runs == 0


def test_no_time_means_no_cache(namespace: cache.Namespace) -> None:
    counter = Counter()
    for _ in range(3):
        assert namespace.get_or_compute("off", counter, 0) == "computed"
    assert counter.runs == 3


def test_an_unreadable_entry_is_a_miss(namespace: cache.Namespace) -> None:
    key = namespace.key("page")
    assert key is not None
    cache.client().set(key, b"\xff not json")
    assert namespace.get_or_compute("page", Counter("fresh"), 60) == "fresh"
    assert namespace.get_or_compute("page", Counter("later"), 60) == "fresh"


def test_redis_stopped_means_computed_and_served(namespace: cache.Namespace,
                                                 own_redis: dict[str, Callable[[], None]]) -> None:
    assert namespace.get_or_compute("page", Counter("cached"), 60) == "cached"

    own_redis["stop"]()
    down = Counter("computed while down")
    for _ in range(2):
        assert namespace.get_or_compute("page", down, 60) == "computed while down"
    assert down.runs == 2
    namespace.bump()  # logged, not raised

    own_redis["start"]()  # back, empty: values are cached again
    assert namespace.get_or_compute("page", Counter("after"), 60) == "after"
    assert namespace.get_or_compute("page", Counter("not run"), 60) == "after"


def test_redis_unreachable_means_computed_and_served(namespace: cache.Namespace, ckan_config: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ckan_config, "ckan.redis.url", f"redis://127.0.0.1:{_free_port()}/0")
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    try:
        counter = Counter("served")
        assert namespace.get_or_compute("page", counter, 60) == "served"
        with namespace.filling("page", 60) as fill:
            assert fill.key is None
            assert not fill.hit
        assert counter.runs == 1
    finally:
        ckan_redis._connection_pool = None


def _together(threads: int, target: Callable[[], Any]) -> list[Any]:
    """Run ``target`` in real threads released at the same moment; their results."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(i: int) -> None:
        barrier.wait()
        results[i] = target()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    return results


def test_identical_misses_arriving_together_compute_once(namespace: cache.Namespace) -> None:
    slow = Counter({"figures": [1, 2, 3]}, seconds=0.5)
    results = _together(8, lambda: namespace.get_or_compute("home", slow, 60))
    assert slow.runs == 1
    assert results == [{"figures": [1, 2, 3]}] * 8


def test_others_compute_when_the_first_fails(namespace: cache.Namespace) -> None:
    """The lock holder raises: the error reaches its own caller only, the others compute."""
    runs: list[str] = []
    lock = threading.Lock()

    def compute() -> str:
        with lock:
            runs.append("run")
            first = len(runs) == 1
        time.sleep(0.3)
        if first:
            raise RuntimeError("the first computation fails")
        return "value"

    def call() -> Any:
        try:
            return namespace.get_or_compute("flaky", compute, 60)
        except RuntimeError as e:
            return str(e)

    started = time.monotonic()
    results = _together(4, call)
    assert sorted(results, key=str)[0] == "the first computation fails"
    assert results.count("value") == 3
    assert time.monotonic() - started < cache.WAIT_SECONDS  # they did not wait for the lock to expire


def test_a_lock_left_by_a_dead_request_delays_only_until_it_expires(namespace: cache.Namespace) -> None:
    key = namespace.key("page")
    cache.client().set(f"{key}:lock", "a request that died", nx=True, px=400)
    counter = Counter("computed")
    started = time.monotonic()
    assert namespace.get_or_compute("page", counter, 60) == "computed"
    waited = time.monotonic() - started
    assert counter.runs == 1
    assert 0.3 < waited < cache.WAIT_SECONDS
