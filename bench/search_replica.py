"""What reading searches through a PostgreSQL streaming replica costs (option
`ckanext.sach.search.replica_urls`), against reading the primary, on the same catalogue.

Builds the catalogue of `bench/search.py` (default 5,000 datasets; its functions are imported, not
copied) in a database of this worktree's cluster, indexes it, clones the cluster into a hot standby
(`pg_basebackup -R`, on a free port, in a temporary folder, removed at the end; as in
tests/search/test_replica.py) and then runs the same `package_search` calls (as an anonymous visitor
inside a request, the result cache off) alternately with and without the replica: queries (a), (b),
(c) of bench/search.py and `package_autocomplete`. It also times `package_patch` with and without
replicas (an index write then records the primary's WAL position in Redis). The replica's
`pg_stat_database` transaction count before and after shows that the replica reads reached it.

On one machine both clusters share the same cores, so this shows what the mechanism costs (the
replay-position check, a Redis read, a second connection pool), not the capacity replicas add.

    scripts/services.sh ensure-db ckan_sach_bench_replica
    .venv/bin/python bench/search_replica.py \\
        --db postgresql://ckan_sach:ckan_sach@127.0.0.1:$SACH_PG_PORT/ckan_sach_bench_replica \\
        --redis redis://127.0.0.1:$SACH_REDIS_PORT/2

It wipes the database it is given (refused unless its name contains "bench").
"""
from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


base = _load("bench_search", ROOT / "bench" / "search.py")
standby_helper = _load("sach_standby", ROOT / "tests" / "search" / "standby.py")

REPLICA_OPTION = "ckanext.sach.search.replica_urls"


def autocomplete(rng: random.Random) -> dict[str, Any]:
    return {"q": base.slug(rng.choice(base.SUBJECTS))[: rng.randint(3, 8)], "limit": 10}


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _summary(timings: list[float]) -> dict[str, float]:
    return {"p50_ms": round(base.percentile(timings, 50), 1),
            "p95_ms": round(base.percentile(timings, 95), 1)}


def measure_reads(name: str, action: str, make_params: Callable[[random.Random], dict[str, Any]],
                  runs: int, seed: int, replica_url: str) -> dict[str, Any]:
    """The same calls alternately on the primary and through the replica (who goes first
    alternates too), after a warm-up of both."""
    import ckan.plugins.toolkit as tk

    run = tk.get_action(action)
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {"primary": [], "replica": []}
    counts: dict[str, list[int]] = {"primary": [], "replica": []}

    def one(where: str, params: dict[str, Any], keep: bool) -> None:
        tk.config[REPLICA_OPTION] = replica_url if where == "replica" else ""
        result: dict[str, Any] = {}
        elapsed = _timed(lambda: result.update(out=run({"user": ""}, dict(params))))
        if keep:
            timings[where].append(elapsed)
            out = result["out"]
            counts[where].append(out["count"] if isinstance(out, dict) else len(out))

    for i in range(runs + 5):
        params = make_params(rng)
        order = ("primary", "replica") if i % 2 else ("replica", "primary")
        for where in order:
            one(where, params, keep=i >= 5)
    tk.config[REPLICA_OPTION] = ""
    assert counts["primary"] == counts["replica"], f"{name}: replica and primary disagree"
    primary, replica = _summary(timings["primary"]), _summary(timings["replica"])
    return {"query": name, "runs": runs, "primary": primary, "replica": replica,
            "p50_ratio": round(replica["p50_ms"] / primary["p50_ms"], 2),
            "p95_ratio": round(replica["p95_ms"] / primary["p95_ms"], 2),
            "mean_hits": round(statistics.mean(counts["primary"]))}


def measure_writes(runs: int, seed: int, replica_url: str) -> dict[str, Any]:
    """`package_patch` of a title, alternately with and without replicas configured."""
    import sqlalchemy as sa

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    ids = [row[0] for row in model.Session.execute(
        sa.text("SELECT id FROM package WHERE state = 'active' AND NOT private ORDER BY id LIMIT :n"),
        {"n": 2 * runs + 10})]
    model.Session.remove()
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    patch = tk.get_action("package_patch")
    timings: dict[str, list[float]] = {"primary": [], "replica": []}
    rng = random.Random(seed)
    for i, dataset_id in enumerate(ids):
        where = ("primary", "replica")[i % 2]
        tk.config[REPLICA_OPTION] = replica_url if where == "replica" else ""
        title = f"Título revisado {rng.randint(0, 10**6)}"
        elapsed = _timed(functools.partial(patch, {"user": site_user, "ignore_auth": True},
                                           {"id": dataset_id, "title": title}))
        if i >= 10:
            timings[where].append(elapsed)
    tk.config[REPLICA_OPTION] = ""
    primary, replica = _summary(timings["primary"]), _summary(timings["replica"])
    return {"query": "package_patch (index write)", "runs": len(timings["replica"]),
            "primary": primary, "replica": replica,
            "p50_ratio": round(replica["p50_ms"] / primary["p50_ms"], 2),
            "p95_ratio": round(replica["p95_ms"] / primary["p95_ms"], 2), "mean_hits": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", type=Path, default=ROOT / "test.ini")
    parser.add_argument("--db", default=base.DEFAULT_DB.replace("bench_search", "bench_replica"),
                        help="database to WIPE and fill")
    parser.add_argument("--redis", default="redis://127.0.0.1:63799/2")
    parser.add_argument("--plugins", default="sach_pgsearch")
    parser.add_argument("--datasets", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="allow a name without 'bench'")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the catalogue already indexed if it has --datasets datasets")
    args = parser.parse_args()
    bindir = standby_helper.pg_bindir()
    if bindir is None:
        sys.exit("pg_basebackup/pg_ctl not found (install postgresql-15 or set SACH_PG_BINDIR)")

    import sqlalchemy as sa

    flask_app = base.load_ckan(args)
    import ckan.plugins.toolkit as tk
    from ckan.lib import search

    with flask_app.test_request_context():
        tk.config["ckanext.sach.search.cache_seconds"] = 0  # measure the database, not Redis
        # bench/search.py's own helper, shared by the two benchmarks of search
        if not (args.reuse and base._indexed_count() == args.datasets):  # noqa: SLF001 -- a sibling script's helper
            started = time.perf_counter()
            base.build_catalogue(args.datasets, args.seed)
            search.rebuild(quiet=True, defer_commit=True)
            search.commit()
            print(f"catalogue: {args.datasets} datasets written and indexed in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        standby = standby_helper.Standby(sa.engine.make_url(args.db), bindir)
        print(f"standby: cloned and started in {time.perf_counter() - started:.1f} s "
              f"(port {standby.port})", flush=True)
        try:
            standby.catch_up()
            database = sa.engine.make_url(args.db).database
            transactions = ("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                            "WHERE datname = %s", database)
            before = standby.sql(*transactions)
            results = [
                measure_reads("(a) free text + 6 facets", "package_search", base.free_text,
                              args.queries, args.seed, standby.url),
                measure_reads("(b) fq filters + 6 facets", "package_search", base.filters,
                              args.queries, args.seed + 1, standby.url),
                measure_reads("(c) *:* sort metadata_modified desc", "package_search",
                              base.all_sorted, args.queries, args.seed + 2, standby.url),
                measure_reads("(d) package_autocomplete", "package_autocomplete", autocomplete,
                              args.queries, args.seed + 3, standby.url),
            ]
            from ckanext.sach.search import replica

            replica.dispose()  # closed backends flush their statistics
            time.sleep(1)
            replica_transactions = standby.sql(*transactions) - before
            results.append(measure_writes(args.writes, args.seed + 4, standby.url))
        finally:
            from ckanext.sach.search import replica

            replica.dispose()
            standby.remove()
    report(results, replica_transactions, args)


def report(results: list[dict[str, Any]], replica_transactions: int,
           args: argparse.Namespace) -> None:
    print(f"{'call':38} {'runs':>5} {'primary p50':>11} {'p95':>7} {'replica p50':>11} "
          f"{'p95':>7} {'ratio p50':>9} {'p95':>6}")
    for r in results:
        print(f"{r['query']:38} {r['runs']:>5} {r['primary']['p50_ms']:>11} "
              f"{r['primary']['p95_ms']:>7} {r['replica']['p50_ms']:>11} "
              f"{r['replica']['p95_ms']:>7} {r['p50_ratio']:>9} {r['p95_ratio']:>6}")
    print(f"transactions in the replica's database during the read runs: {replica_transactions} "
          f"(reads sent to it: {4 * (args.queries + 5)})")
    print(json.dumps({"datasets": args.datasets, "replica_transactions": replica_transactions,
                      "results": results}))


if __name__ == "__main__":
    main()
