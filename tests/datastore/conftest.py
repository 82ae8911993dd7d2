"""Fixtures of the DataStore tests: a served CKAN for xloader's jobs, and a real jobs worker.

xloader's job downloads the resource's file over HTTP and reports back to CKAN over HTTP
(``xloader_hook``). The test app has no socket, so ``served`` starts gunicorn on a free loopback
port with an ini that extends test.ini and sets ``ckanext.xloader.site_url`` to it: the jobs
(run by ``ckan jobs worker --burst`` with the same ini) fetch uploads and report there. Both
share this run's databases, Redis and storage.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.helpers import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("served")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    ini = tmp / "xloader.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{ROOT / 'test.ini'}\n"
        f"ckanext.xloader.site_url = {base}\n"
        f"ckan.storage_path = {tk.config['ckan.storage_path']}\n",
        encoding="utf-8")
    log = (tmp / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "scripts" / "gunicorn.conf.py"), "ckanext.sach.wsgi:application"],
        env={**os.environ, "CKAN_INI": str(ini), "SACH_BIND": f"127.0.0.1:{port}", "SACH_WORKERS": "2"},
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if requests.get(base + "/api/3/action/status_show", timeout=5).ok:
                break
        except requests.RequestException:
            time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGTERM)
        pytest.fail("gunicorn did not serve: " + (tmp / "gunicorn.log").read_text()[-3000:])
    yield {"url": base, "ini": ini, "tmp": tmp}
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=40)
    log.close()


@pytest.fixture
def run_jobs(served, empty_queue):
    """Run every queued job in a real `ckan jobs worker --burst` subprocess."""

    def run() -> str:
        done = subprocess.run([str(BIN / "ckan"), "-c", str(served["ini"]), "jobs", "worker", "--burst"],
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        from ckan import model

        model.Session.remove()
        return done.stderr

    return run


@pytest.fixture
def empty_queue():
    from ckan.lib import jobs as ckan_jobs

    queue = ckan_jobs.get_queue()
    queue.empty()
    yield queue
    queue.empty()


@pytest.fixture
def officer():
    """An editor of a new dependencia, with an API token (and PASSWORD, to sign in)."""
    user = factories.User(password=PASSWORD)
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    token = factories.APIToken(user=user["name"])
    return {"user": user, "org": org, "headers": {"Authorization": token["token"]}}


@pytest.fixture
def outsider():
    """An editor of another dependencia."""
    user = factories.User()
    factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    return {"user": user, "headers": {"Authorization": factories.APIToken(user=user["name"])["token"]}}
