"""A real CKAN site served over HTTP (``ckan run --threaded``) on the test database.

The test app of CKAN handles one request at a time in the test's thread; races between
requests need a real server. The server reads ``test.ini`` with the environment of the
test run (``CKAN_SQLALCHEMY_URL``…), so it sees what the test committed.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(int(os.environ.get("SACH_TEST_PORT_FIRST", "5140")),
              int(os.environ.get("SACH_TEST_PORT_LAST", "5149")) + 1)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


@contextmanager
def served_site(ini: str = "test.ini", timeout: float = 90.0) -> Iterator[str]:
    """Start ``ckan run --threaded`` and yield its base URL; stop it (by its own pid) afterwards."""
    port = _free_port()
    ckan = str(Path(sys.executable).with_name("ckan"))
    log_path = ROOT / ".local" / f"served-{port}.log" if (ROOT / ".local").is_dir() else Path(os.devnull)
    with open(log_path, "wb") as log:  # the server keeps its own descriptor
        proc = subprocess.Popen([ckan, "-c", str(ROOT / ini), "run", "-H", "127.0.0.1", "-p", str(port),
                                 "--threaded", "--disable-reloader"],
                                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"ckan run exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(base + "/api/3/action/status_show", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if hasattr(log, "close"):
            log.close()
