"""The site as `make run` serves it: make_ini.py's ckan.ini, gunicorn, real HTTP, real Chromium.

Starts gunicorn (scripts/gunicorn.conf.py, 2 workers) on a free loopback port with a ckan.ini
written by scripts/make_ini.py and pointed at this run's test database and Redis.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import ckan.plugins.toolkit as tk

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.usefixtures("with_plugins")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ckan(ini: Path, *args: str) -> str:
    out = subprocess.run([str(BIN / "ckan"), "-c", str(ini), *args], capture_output=True,
                         text=True, timeout=180, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return sorted(int(x) for x in out.stdout.split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("site")
    ini = tmp / "ckan.ini"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_ini.py"),
                    str(ROOT / "ckan.ini.example"), str(ini)], check=True, timeout=60)
    port = _free_port()
    text = ini.read_text()
    text = re.sub(r"(?m)^ckan\.site_url = .*$", f"ckan.site_url = http://127.0.0.1:{port}", text)
    text = re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {tk.config['sqlalchemy.url']}", text)
    text = re.sub(r"(?m)^ckan\.redis\.url = .*$", f"ckan.redis.url = {tk.config['ckan.redis.url']}", text)
    for option in ("ckan.datastore.write_url", "ckan.datastore.read_url"):
        text = re.sub(rf"(?m)^{re.escape(option)} = .*$", f"{option} = {tk.config[option]}", text)
    text = re.sub(r"(?m)^ckan\.storage_path = .*$", f"ckan.storage_path = {tmp / 'storage'}", text)
    ini.write_text(text)
    env = {k: v for k, v in os.environ.items()
           if k not in ("CKAN_SQLALCHEMY_URL", "CKAN_REDIS_URL", "CKAN_STORAGE_PATH", "CKAN_SITE_URL",
                        "CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL")}
    os.environ.update({})
    _ckan(ini, "db", "upgrade")
    name = "ops_admin_" + uuid.uuid4().hex[:6]
    _ckan(ini, "user", "add", name, f"email={name}@example.org", "password=Contrasena-123456")
    _ckan(ini, "sysadmin", "add", name)
    token = _ckan(ini, "user", "token", "add", name, "prueba").strip().splitlines()[-1].strip()
    with open(tmp / "gunicorn.log", "w") as log:  # gunicorn keeps its own descriptor
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "scripts" / "gunicorn.conf.py"),
             "ckanext.sach.wsgi:application"],
            env={**env, "CKAN_INI": str(ini), "SACH_BIND": f"127.0.0.1:{port}", "SACH_WORKERS": "2"},
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get(base + "/api/3/action/status_show", timeout=5).ok:
                break
        except requests.RequestException:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("gunicorn did not serve: " + (tmp / "gunicorn.log").read_text()[-2000:])
    yield {"url": base, "token": token, "user": name, "proc": proc, "ini": ini, "tmp": tmp}
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def test_make_ini_gives_both_jwt_secrets_one_value_and_keeps_comments_clean(site):
    text = site["ini"].read_text()
    enc = re.search(r"(?m)^api_token\.jwt\.encode\.secret = (.+)$", text).group(1)
    dec = re.search(r"(?m)^api_token\.jwt\.decode\.secret = (.+)$", text).group(1)
    assert enc == dec and len(enc) > 30
    secret_key = re.search(r"(?m)^SECRET_KEY = (.+)$", text).group(1)
    assert secret_key != enc.removeprefix("string:")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith(("#", ";")))
    assert enc.removeprefix("string:") not in comments and secret_key not in comments
    assert "@SECRET@" not in "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_api_token_authenticates_over_http_on_gunicorn(site):
    url = site["url"] + "/api/3/action/api_token_list"
    anon = requests.post(url, json={"user_id": site["user"]}, timeout=30)
    assert anon.status_code == 403
    ok = requests.post(url, json={"user_id": site["user"]}, timeout=30,
                       headers={"Authorization": site["token"]})
    assert ok.status_code == 200, ok.text
    assert len(ok.json()["result"]) == 1
    assert requests.get(site["url"] + "/", timeout=30).headers["Server"].startswith("gunicorn")


def test_a_killed_worker_is_replaced(site):
    master = site["proc"].pid
    before = _children(master)
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    deadline = time.time() + 60
    while time.time() < deadline:
        now = _children(master)
        if len(now) == 2 and before[0] not in now:
            break
        time.sleep(0.5)
    assert len(now) == 2 and before[0] not in now
    assert requests.get(site["url"] + "/api/3/action/status_show", timeout=60).ok


def test_text_is_gzipped_and_fingerprinted_assets_cached_for_a_year(site):
    home = requests.get(site["url"] + "/", timeout=60)
    assert home.headers["Content-Encoding"] == "gzip"
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in home.headers["Content-Security-Policy"]
    api = requests.get(site["url"] + "/api/3/action/help_show?name=organization_list", timeout=60)
    assert api.headers["Content-Encoding"] == "gzip" and api.json()["success"]
    tiny = requests.get(site["url"] + "/api/3/action/status_show", timeout=60)
    assert "Content-Encoding" not in tiny.headers and int(tiny.headers["Content-Length"]) < 1024
    assets = re.findall(r'(?:href|src)="(/webassets/[^"]+)"', home.text)
    assert assets
    for path in assets:
        r = requests.get(site["url"] + path, timeout=60)
        assert r.status_code == 200
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable", path
        if len(r.content) >= 1024:
            assert r.headers.get("Content-Encoding") == "gzip", path
    small = requests.get(site["url"] + "/robots.txt", timeout=60)
    assert "immutable" not in small.headers.get("Cache-Control", "")


ACTIVE = {
    "prueba.html": ("text/html", b"<html><body><script>document.title='PWNED';"
                                 b"console.log('PWNED-' + document.domain)</script>hola</body></html>"),
    "prueba.svg": ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>'
                                    b"console.log('PWNED-' + document.domain)</script></svg>"),
}


@pytest.fixture(scope="module")
def uploads(site) -> dict[str, str]:
    auth = {"Authorization": site["token"]}
    api = site["url"] + "/api/3/action/"
    suffix = uuid.uuid4().hex[:6]
    org = requests.post(api + "organization_create", json={"name": f"ops-org-{suffix}", "title": "Org"},
                        headers=auth, timeout=60)
    assert org.ok, org.text
    from tests.factories import dataset_payload

    pkg = requests.post(api + "package_create", headers=auth, timeout=60, json=dataset_payload(
        name=f"ops-archivos-{suffix}", title="Archivos activos", owner_org=f"ops-org-{suffix}", private=True))
    assert pkg.ok, pkg.text[:500]
    urls = {}
    for filename, (mime, data) in ACTIVE.items():
        r = requests.post(api + "resource_create", headers=auth, timeout=60,
                          data={"package_id": pkg.json()["result"]["id"], "name": filename},
                          files={"upload": (filename, data, mime)})
        assert r.ok, r.text
        urls[filename] = r.json()["result"]["url"]
    return urls


def test_uploaded_active_files_are_attachments_with_sandbox_csp(site, uploads):
    for filename, url in uploads.items():
        assert "/download/" in url
        r = requests.get(url, timeout=60, headers={"Authorization": site["token"]})
        assert r.status_code == 200, r.status_code
        assert r.headers["Content-Disposition"].startswith("attachment"), filename
        assert r.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_uploaded_html_and_svg_scripts_do_not_run_in_chromium(site, uploads, browser):
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(accept_downloads=True,
                                  extra_http_headers={"Authorization": site["token"]})
    page = context.new_page()
    logs: list[str] = []
    page.on("console", lambda m: logs.append(m.text))
    for url in uploads.values():
        aborted = ""
        try:
            page.goto(url, wait_until="load", timeout=15000)
        except PlaywrightError as e:  # a download aborts the navigation: nothing was rendered
            aborted = str(e)
        assert not aborted or "Download is starting" in aborted or "net::ERR_ABORTED" in aborted, aborted
        page.wait_for_timeout(500)
        assert page.title() != "PWNED"
    assert not [line for line in logs if "PWNED" in line], logs
    context.close()


def test_home_on_a_phone_is_small_and_no_csp_violation(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  user_agent="Mozilla/5.0 (Linux; Android 13) Mobile")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(site["url"] + "/", wait_until="networkidle")
    for path in ("/dataset/", "/gobierno-abierto/"):
        page.goto(site["url"] + path, wait_until="networkidle")
    context.close()
    assert not problems, problems
    # first visit (fresh context): bytes on the wire for the home page and everything it loads
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes.clear()
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(site["url"] + "/", wait_until="networkidle")
    page.wait_for_timeout(500)
    context.close()
    total = sum(sizes.values())
    print(f"home page first visit on a phone: {total / 1024:.0f} KB in {len(sizes)} responses")
    assert total <= 600 * 1024, total
