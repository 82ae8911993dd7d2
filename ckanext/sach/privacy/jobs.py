"""Background scans (run by ``ckan jobs worker``).

``scan_resource(scan_id)`` scans the stored upload or downloads the linked
file (http/https only, never from private, loopback or link-local addresses,
at most ``ckanext.sach.privacy.max_size`` bytes, with a timeout) into a
temporary file, scans it and records the result. When it finds personal data
in a dataset that is already public and
``ckanext.sach.privacy.unpublish_on_findings`` is on, the dataset is made
private until an officer records a review. Logs never contain values.

When a scan (background or during the upload) finds something,
:func:`notify` tells the reviewers: a ``changed package`` activity on the
dataset (``data.sach_privacy`` holds the file and counts) and, when
``smtp.server`` is set, an e-mail to every privacy reviewer with an address.
"""
from __future__ import annotations

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
    """The file behind a link cannot be fetched (the message says why, in Spanish)."""


def fetch_errors() -> tuple[type[Exception], ...]:
    """Why a file could not be read: refused or failed download, network, disk."""
    import urllib3

    return (DownloadError, OSError, ValueError, urllib3.exceptions.HTTPError)


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
    # SOCK_STREAM over IPv4/IPv6: the address is always the text form (typeshed also allows int)
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
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
    pool: urllib3.HTTPConnectionPool
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
    options = guard.scan_options()
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
    except Exception as exc:  # noqa: BLE001 -- the job's boundary: any failure is recorded as the scan's error (a scan left pending would block the dataset forever)
        error = type(exc).__name__
    scan.finished = pmodel.utcnow()
    if result is None:
        scan.status = "error"
        scan.summary = json.dumps({"error": error}, ensure_ascii=False)
        model.Session.commit()
        log.warning("Personal-data scan %s of resource %s failed: %s", scan.id, res.id, error)
        guard.datastore_after_scan(res.id)
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
    guard.datastore_after_scan(scan.resource_id)
    if scan.status in pmodel.BLOCKING:
        notify(scan.package_id, scan.resource_id)
    if summary.get("unpublished"):
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        tk.get_action("package_patch")(
            {"user": site_user["name"], "ignore_auth": True}, {"id": scan.package_id, "private": True})
        log.warning("Dataset %s made private: unreviewed personal-data findings", scan.package_id)
    return scan.as_dict()


def scan_current(res: Any, fmt: str | None, source: str) -> ScanResult:
    """Scan the file of a resource as it is now, in this process (raises one of
    :func:`fetch_errors` on unreachable files)."""
    options = guard.scan_options()
    if source == "upload" or res.url_type == "upload":
        path = uploader.get_resource_uploader({"id": res.id, "url_type": "upload"}).get_path(res.id)
        return scan_file(path, fmt, **options)
    with tempfile.TemporaryDirectory() as tmp:
        dest = os.path.join(tmp, "recurso")
        whole = download(res.url, dest, options["max_bytes"], sach_config.privacy_download_timeout())
        result = scan_file(dest, fmt, **options)
        if not whole:
            result.complete = False
            result.error = "Archivo revisado sólo hasta el tamaño máximo."
        return result


def schedule_dataset(pkg: Any, only: str | None = None) -> list[str]:
    """New pending scans for every scannable resource of a dataset (older ones superseded)."""
    ids = []
    for res in pkg.resources:
        if res.state != "active" or (only and res.id != only):
            continue
        fmt = guard.resource_format({"format": res.format, "url": res.url})
        if fmt is None:
            continue
        uploader_id = pmodel.last_uploader(res.id)
        pmodel.supersede(res.id)
        scan = pmodel.PrivacyScan(package_id=pkg.id, resource_id=res.id, status="pending",
                                  source="upload" if res.url_type == "upload" else "link", format=fmt,
                                  uploaded_by=uploader_id)
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


def notify(package_id: str, resource_id: str | None) -> None:
    """Tell the reviewers that a file of a dataset waits for review (never fails the caller)."""
    try:
        _notify(package_id, resource_id)
    except Exception:  # a notification must not undo a scan
        log.exception("Could not notify reviewers of dataset %s", package_id)


def _notify(package_id: str, resource_id: str | None) -> None:
    from ckan.plugins import plugin_loaded

    from . import auth
    from .helpers import findings_text

    pkg = model.Package.get(package_id)
    if pkg is None:
        return
    scan = (model.Session.query(pmodel.PrivacyScan)
            .filter(pmodel.PrivacyScan.resource_id == resource_id, pmodel.PrivacyScan.superseded.is_(False))
            .order_by(pmodel.PrivacyScan.created.desc()).first()) if resource_id else None
    summary = json.loads(scan.summary) if scan is not None and scan.summary else {}
    res = model.Resource.get(resource_id) if resource_id else None
    file_name = (res.name or res.url.rsplit("/", 1)[-1]) if res is not None else ""
    found = findings_text(summary) or tk._("revisión incompleta")
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    if plugin_loaded("activity"):
        pkg_dict = tk.get_action("package_show")({"ignore_auth": True, "for_view": False},
                                                 {"id": package_id})
        tk.get_action("activity_create")(
            {"ignore_auth": True, "user": site_user["name"]},
            # shown as the uploader's (CKAN hides the site user's activities by default)
            {"user_id": (scan.uploaded_by if scan is not None and scan.uploaded_by else site_user["id"]),
             "object_id": package_id, "activity_type": "changed package",
             "data": {"package": pkg_dict,
                      "sach_privacy": {"resource_id": resource_id, "file": file_name,
                                       "status": scan.status if scan is not None else None,
                                       "counts": summary.get("counts") or {}}}})
    if not tk.config.get("smtp.server"):
        return
    from ckan.lib import mailer

    url = tk.config.get("ckan.site_url", "").rstrip("/") + f"/dataset/{pkg.name}/datos-personales"
    subject = tk._("Datos personales por revisar: {title}").format(title=pkg.title or pkg.name)
    body = tk._("La revisión automática encontró posibles datos personales en «{file}» del conjunto "
                "«{title}»: {found}.\n\nRegistre la revisión en {url}").format(
        file=file_name, title=pkg.title or pkg.name, found=found, url=url)
    for user in auth.reviewers():
        if user.email and user.id != (scan.uploaded_by if scan is not None else None):
            try:
                mailer.mail_recipient(user.display_name, user.email, subject, body)
            except mailer.MailerException:
                log.warning("Could not e-mail reviewer %s", user.name)
