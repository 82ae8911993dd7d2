"""Background scans (run by ``ckan jobs worker``).

``scan_resource(scan_id)`` scans the stored upload or downloads the linked
file (http/https only, never from private, loopback or link-local addresses,
at most ``ckanext.sach.privacy.max_size`` bytes, with a timeout) into a
temporary file, scans it and records the result. When it finds personal data
in a dataset that is already public and
``ckanext.sach.privacy.unpublish_on_findings`` is on, the dataset is made
private until an officer records a review. Logs never contain values.
"""
from __future__ import annotations

import datetime
import ipaddress
import json
import logging
import os
import socket
import tempfile
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from ckanext.sach import config as sach_config

from . import guard
from . import model as pmodel
from .scanner import ScanResult, scan_file

log = logging.getLogger(__name__)


class DownloadError(Exception):
    pass


#: redirects followed when fetching a linked file (each hop is checked again)
MAX_REDIRECTS = 5


def _forbidden(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved
            or addr.is_multicast or addr.is_unspecified)


def _check_host(url: str) -> str:
    """The address to connect to for ``url``: every address the name resolves to must
    be public (else :class:`DownloadError`). The connection then goes to that address,
    so a second, different DNS answer (rebinding) cannot send it elsewhere."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise DownloadError("URL no descargable")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        infos = socket.getaddrinfo(parsed.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, ValueError) as exc:
        raise DownloadError("El servidor no existe") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses or any(_forbidden(a) for a in addresses):
        raise DownloadError("Dirección no permitida")
    return str(addresses[0])


def _open(url: str, timeout: int) -> Any:
    """GET ``url`` on its checked address, without following redirects."""
    import certifi
    import urllib3

    address = _check_host(url)
    parsed = urlparse(url)
    https = parsed.scheme == "https"
    port = parsed.port or (443 if https else 80)
    host = parsed.hostname or ""
    host_header = (f"[{host}]" if ":" in host else host) + (f":{parsed.port}" if parsed.port else "")
    path = (parsed.path or "/") + (f"?{parsed.query}" if parsed.query else "")
    budget = urllib3.Timeout(connect=timeout, read=timeout)
    if https:
        pool = urllib3.HTTPSConnectionPool(address, port, timeout=budget, cert_reqs="CERT_REQUIRED",
                                           ca_certs=certifi.where(), server_hostname=host,
                                           assert_hostname=host, retries=False)
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=budget, retries=False)
    return pool.urlopen("GET", path, headers={"Host": host_header, "User-Agent": "ckanext-sach privacy scan"},
                        redirect=False, preload_content=False, retries=False)


def download(url: str, dest: str, max_bytes: int, timeout: int) -> bool:
    """Download at most max_bytes (+1 to detect more); True when the whole file fit.

    Redirects are followed up to :data:`MAX_REDIRECTS` times, each target checked
    like the first URL (http/https, public addresses only)."""
    from urllib.parse import urljoin

    for _ in range(MAX_REDIRECTS + 1):
        resp = _open(url, timeout)
        try:
            if resp.status in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                url = urljoin(url, resp.headers["Location"])
                continue
            if resp.status != 200:
                raise DownloadError(f"HTTP {resp.status}")
            written = 0
            with open(dest, "wb") as out:
                for block in resp.stream(1 << 16):
                    out.write(block)
                    written += len(block)
                    if written > max_bytes:
                        return False
            return True
        finally:
            resp.release_conn()
    raise DownloadError("Demasiadas redirecciones")


def scan_resource(scan_id: str) -> dict[str, Any] | None:
    scan = model.Session.get(pmodel.PrivacyScan, scan_id)
    if scan is None or scan.superseded or scan.status != "pending":
        return None
    res = model.Resource.get(scan.resource_id) if scan.resource_id else None
    if res is None or res.state != "active":
        scan.status, scan.superseded = "error", True
        model.Session.commit()
        return None
    max_bytes = sach_config.privacy_max_size()
    options = {"max_bytes": max_bytes, "max_samples": sach_config.privacy_max_samples()}
    result: ScanResult | None = None
    error = None
    try:
        if scan.source == "upload":
            path = uploader.get_resource_uploader({"id": res.id, "url_type": "upload"}).get_path(res.id)
            result = scan_file(path, scan.format, **options)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                dest = os.path.join(tmp, "recurso")
                whole = download(res.url, dest, max_bytes, sach_config.privacy_download_timeout())
                result = scan_file(dest, scan.format, **options)
                if not whole:
                    result.complete = False
                    result.error = "Archivo revisado sólo hasta el tamaño máximo."
    except (DownloadError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    except Exception as exc:  # requests' own errors and anything else: record, don't crash the worker
        error = type(exc).__name__
    scan.finished = datetime.datetime.utcnow()
    if result is None:
        scan.status = "error"
        scan.summary = json.dumps({"error": error}, ensure_ascii=False)
        model.Session.commit()
        log.warning("Personal-data scan %s of resource %s failed: %s", scan.id, res.id, error)
        return scan.as_dict()
    scan.status = guard.status_of(result)
    scan.total = result.total
    summary = guard.summary_of(result)
    pkg = model.Package.get(scan.package_id)
    if (scan.status in pmodel.BLOCKING and pkg is not None and not pkg.private and pkg.state == "active"
            and sach_config.privacy_unpublish_on_findings()):
        summary["unpublished"] = True
    scan.summary = json.dumps(summary, ensure_ascii=False)
    model.Session.commit()
    log.info("Personal-data scan %s: %s, %s findings", scan.id, scan.status, scan.total)
    if summary.get("unpublished"):
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        tk.get_action("package_patch")(
            {"user": site_user["name"], "ignore_auth": True}, {"id": scan.package_id, "private": True})
        log.warning("Dataset %s made private: unreviewed personal-data findings", scan.package_id)
    return scan.as_dict()


def schedule_dataset(pkg: Any) -> list[str]:
    """New pending scans for every scannable resource of a dataset (older ones superseded)."""
    ids = []
    for res in pkg.resources:
        if res.state != "active":
            continue
        fmt = guard.resource_format({"format": res.format, "url": res.url})
        if fmt is None:
            continue
        pmodel.supersede(res.id)
        scan = pmodel.PrivacyScan(package_id=pkg.id, resource_id=res.id, status="pending",
                                  source="upload" if res.url_type == "upload" else "link", format=fmt)
        model.Session.add(scan)
        model.Session.flush()
        ids.append(scan.id)
    model.Session.commit()
    return ids


def pending_scan_ids() -> list[str]:
    rows = (model.Session.query(pmodel.PrivacyScan.id)
            .filter(pmodel.PrivacyScan.status == "pending", pmodel.PrivacyScan.superseded.is_(False))
            .order_by(pmodel.PrivacyScan.created).all())
    return [r[0] for r in rows]
