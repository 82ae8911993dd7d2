"""A PostgreSQL hot standby of a local cluster, for tests/search/test_replica.py and
bench/search_replica.py (plain helper, no pytest).

`pg_basebackup -R` clones the primary (the cluster of `scripts/services.sh`: `initdb -A trust`,
whose default `wal_level = replica` and `max_wal_senders = 10` allow streaming replication) into a
temporary folder; the copy starts with `pg_ctl` on a free port and streams from the primary. When
run as root, PostgreSQL's programs run as `postgres` (they refuse root), as services.sh does.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg2
import sqlalchemy as sa

AS_ROOT = os.geteuid() == 0


def pg_bindir() -> Path | None:
    """The folder of pg_basebackup and pg_ctl (SACH_PG_BINDIR, Debian's, or the PATH)."""
    candidates = [os.environ.get("SACH_PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("pg_basebackup")
    if found:
        candidates.append(str(Path(found).parent))
    for folder in candidates:
        path = Path(folder) if folder else None
        if path and (path / "pg_basebackup").exists() and (path / "pg_ctl").exists():
            return path
    return None


def _as_owner(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if AS_ROOT else list(command)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Standby:
    """A hot standby of the cluster that `primary` (a SQLAlchemy URL of one of its databases)
    points to. The primary's superuser `postgres` must connect without a password (trust)."""

    def __init__(self, primary: sa.engine.URL, bindir: Path,
                 copy: Callable[[Path], None] | None = None) -> None:
        """`copy(data)` makes the copy in the folder `data` (default: `pg_basebackup -R` as
        the primary's `postgres`), which then starts as a standby."""
        self.primary = primary
        self.bindir = bindir
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="sach-standby-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgresql.log"
        if AS_ROOT:
            shutil.chown(self.folder, "postgres")
        self.folder.chmod(0o755)
        (copy or self._basebackup)(self.data)
        self.start()

    def _basebackup(self, data: Path) -> None:
        self._run("pg_basebackup", "-h", self.primary.host or "127.0.0.1", "-p", str(self.primary.port),
                  "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast", timeout=600)

    def _run(self, program: str, *args: str, timeout: float = 90,
             check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(_as_owner(str(self.bindir / program), *args), check=check,
                              capture_output=True, timeout=timeout)

    @property
    def url(self) -> str:
        """The primary's URL on the standby's port (what `replica_urls` is given)."""
        return self.primary.set(port=self.port).render_as_string(hide_password=False)

    def start(self) -> None:
        # A standby needs max_connections >= the primary's, which services.sh sets to 200 on
        # the primary's command line (not in the copied postgresql.conf).
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=200 -c shared_buffers=64MB -c fsync=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def running(self) -> bool:
        try:
            return bool(self.sql("SELECT true"))
        except psycopg2.OperationalError:
            return False

    def sql(self, query: str, *args: Any, database: str = "postgres") -> Any:
        """The first column of the first row of `query`, run on the standby as `postgres`."""
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                      dbname=database, connect_timeout=5)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(query, args)
                return cursor.fetchone()[0] if cursor.description else None
        finally:
            connection.close()

    def primary_lsn(self) -> str:
        connection = psycopg2.connect(host=self.primary.host, port=self.primary.port,
                                      user="postgres", dbname="postgres", connect_timeout=5)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
                return cursor.fetchone()[0]
        finally:
            connection.close()

    def catch_up(self, timeout: float = 60) -> None:
        """Resume replay and wait until everything the primary has written is replayed."""
        self.sql("SELECT pg_wal_replay_resume()")
        target = self.primary_lsn()
        deadline = time.monotonic() + timeout
        while not self.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby did not replay {target} in {timeout} s")
            time.sleep(0.05)

    def pause(self) -> None:
        """Catch up, then stop replaying: the standby keeps showing the database as it is now."""
        self.catch_up()
        self.sql("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while self.sql("SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                raise TimeoutError("replay did not pause")
            time.sleep(0.05)
