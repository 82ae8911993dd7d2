"""Fetching a linked file for the personal-data scan, against a real local HTTP server.

The real policy refuses loopback addresses (tests/privacy/test_gate.py checks it); here
it is narrowed to 10.0.0.0/8 so the fetch itself can be exercised on 127.0.0.1:
redirects are followed and each hop checked again, the connection goes to the address
that was checked (a second DNS answer cannot move it), and sizes are bounded.
"""
from __future__ import annotations

import http.server
import ipaddress
import socket
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from ckanext.sach.privacy import jobs

pytestmark = pytest.mark.unit

CSV = b"folio,nombre\n1,Ana\n2,Luis\n"


class Handler(http.server.BaseHTTPRequestHandler):
    hosts: ClassVar[list[str]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        Handler.hosts.append(self.headers.get("Host", ""))
        routes = {
            "/a": (302, {"Location": "/b"}, b""),
            "/b": (301, {"Location": f"http://127.0.0.1:{self.server.server_port}/padron.csv"}, b""),
            "/padron.csv": (200, {"Content-Type": "text/csv"}, CSV),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/interna": (302, {"Location": "http://10.20.30.40/padron.csv"}, b""),
            "/ftp": (302, {"Location": "ftp://127.0.0.1/padron.csv"}, b""),
            "/grande": (200, {}, b"x" * 300_000),
        }
        status, headers, body = routes.get(self.path, (404, {}, b"no"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.hosts = []
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback_allowed(monkeypatch: Any) -> None:
    monkeypatch.setattr(jobs, "_forbidden", lambda addr: addr in ipaddress.ip_network("10.0.0.0/8"))


def test_the_real_policy_refuses_internal_addresses() -> None:
    for text in ("10.1.2.3", "192.168.0.10", "127.0.0.1", "169.254.169.254", "0.0.0.0", "::1",
                 "fc00::1", "224.0.0.1"):
        assert jobs._forbidden(ipaddress.ip_address(text)), text
    for text in ("8.8.8.8", "2001:4860:4860::8888", "189.203.1.1"):
        assert not jobs._forbidden(ipaddress.ip_address(text)), text


def test_redirects_are_followed(server: str, loopback_allowed: None, tmp_path: Any) -> None:
    dest = tmp_path / "recurso"
    assert jobs.download(server + "/a", str(dest), 1_000_000, 5) is True
    assert dest.read_bytes() == CSV
    assert len(Handler.hosts) == 3


@pytest.mark.parametrize(("path", "message"), [
    ("/interna", "no permitida"),
    ("/ftp", "no descargable"),
    ("/loop", "redirecciones"),
    ("/no-existe", "HTTP 404"),
])
def test_bad_hops_are_refused(server: str, loopback_allowed: None, tmp_path: Any, path: str,
                              message: str) -> None:
    with pytest.raises(jobs.DownloadError, match=message):
        jobs.download(server + path, str(tmp_path / "recurso"), 1_000_000, 5)


def test_size_is_bounded(server: str, loopback_allowed: None, tmp_path: Any) -> None:
    dest = tmp_path / "recurso"
    assert jobs.download(server + "/grande", str(dest), 100_000, 5) is False
    assert 100_000 < dest.stat().st_size < 300_000


def test_connection_goes_to_the_checked_address(server: str, loopback_allowed: None, tmp_path: Any,
                                                monkeypatch: Any) -> None:
    """A name that resolves to a public address once and to an internal one afterwards
    (DNS rebinding) is fetched from the first, checked address, with its own Host header."""
    port = server.rsplit(":", 1)[1]
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"] + ["10.9.9.9"] * 10)
    asked = []

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "datos.example":
            asked.append(host)
            return real(next(answers), *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    dest = tmp_path / "recurso"
    assert jobs.download(f"http://datos.example:{port}/padron.csv", str(dest), 1_000_000, 5) is True
    assert dest.read_bytes() == CSV
    assert asked == ["datos.example"]
    assert Handler.hosts == [f"datos.example:{port}"]
