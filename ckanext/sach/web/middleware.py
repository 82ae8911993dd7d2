"""WSGI middleware wrapped around CKAN's Flask app (registered through IMiddleware).

Works under any server (gunicorn, ``ckan run``, the test app):

* client addresses through ``ckanext.sach.trusted_proxies`` proxies (werkzeug's ProxyFix);
* ``X-Content-Type-Options: nosniff`` on every response;
* uploaded files (resource downloads, ``/uploads/``) never render active content from the
  portal's origin: a sandboxing CSP on every file response, and ``Content-Disposition:
  attachment`` unless the type is known to be passive (images other than SVG, PDF, CSV, ...);
* a Content-Security-Policy on HTML pages that CKAN's own assets satisfy;
* gzip of text responses above ``ckanext.sach.gzip_min_size`` bytes (streamed bodies are
  compressed as they stream);
* long-lived caching of fingerprinted webassets, a shorter one for other public files.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

FILE_CSP = "default-src 'none'; sandbox"
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
# CKAN's resource form (resource_upload_field.html) and API token pages use inline event
# handlers; on those editor-only forms scripts may also be inline.
FORM_PAGE_CSP = PAGE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
_FORM_PATH = re.compile(r"^/(?:[a-z]{2}(?:_[A-Z]{2})?/)?(?:dataset/(?:new|edit/[^/]+|[^/]+/resource/(?:new|[^/]+/edit))"
                        r"|user/[^/]+/api-tokens)/?$")

_FILE_PATH = re.compile(r"^/(?:[a-z]{2}(?:_[A-Z]{2})?/)?(?:dataset/[^/]+/resource/[^/]+/download(?:/|$)|uploads/)")
# Media types a browser shows without running anything of the file (SVG is not one of them).
PASSIVE_TYPES = frozenset({
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp",
    "application/pdf", "text/plain", "text/csv", "application/json", "application/zip",
    "application/octet-stream", "audio/mpeg", "audio/ogg", "video/mp4", "video/webm",
})
_COMPRESSIBLE = re.compile(
    r"^(?:text/|application/(?:json|javascript|x-javascript|xml|rdf\+xml|ld\+json|n-triples"
    r"|geo\+json|manifest\+json)|image/svg\+xml)")
_FINGERPRINT = re.compile(r"[0-9a-f]{8,}")
_STATIC_EXT = re.compile(r"\.(?:css|js|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|eot|map)$")
IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_CACHE = "public, max-age=86400"

StartResponse = Callable[..., Any]



class SachWebMiddleware:
    def __init__(self, app: Callable[..., Iterable[bytes]], trusted_proxies: int = 0,
                 gzip_min_size: int = 1024, page_csp: str = PAGE_CSP):
        self.inner = app
        self.app = ProxyFix(app, x_for=trusted_proxies, x_proto=trusted_proxies,
                            x_host=0, x_port=0, x_prefix=0) if trusted_proxies > 0 else app
        self.gzip_min_size = gzip_min_size
        self.page_csp = page_csp

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        is_file = bool(_FILE_PATH.match(path))
        accepts_gzip = ("gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower()
                        and not environ.get("HTTP_RANGE"))
        head = environ.get("REQUEST_METHOD") == "HEAD"
        state: dict[str, Any] = {"gzip": False}

        def patched_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            headers = self._headers(path, is_file, status, headers)
            names = {k.lower(): v for k, v in headers}
            ctype = names.get("content-type", "").split(";")[0].strip().lower()
            length = names.get("content-length")
            if (accepts_gzip and not head and status[:3] == "200" and not is_file
                    and "content-encoding" not in names and _COMPRESSIBLE.match(ctype)
                    and (length is None or int(length or 0) >= self.gzip_min_size)):
                state["gzip"] = True
                state["streamed"] = length is None
                headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
                headers = [(k, ("W/" + v if k.lower() == "etag" and not v.startswith("W/") else v))
                           for k, v in headers]
                headers.append(("Content-Encoding", "gzip"))
                vary = names.get("vary")
                headers = [(k, v) for k, v in headers if k.lower() != "vary"]
                headers.append(("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body = self.app(environ, patched_start)
        if not state["gzip"]:
            return body
        return self._gzip(body, state.get("streamed", False))

    def _headers(self, path: str, is_file: bool, status: str,
                 headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        names = {k.lower() for k, _ in headers}
        ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
        mtype = ctype.split(";")[0].strip().lower()
        out = list(headers)
        if "x-content-type-options" not in names:
            out.append(("X-Content-Type-Options", "nosniff"))
        if is_file:
            out = [(k, v) for k, v in out if k.lower() != "content-security-policy"]
            out.append(("Content-Security-Policy", FILE_CSP))
            if mtype not in PASSIVE_TYPES:
                disposition = next((v for k, v in out if k.lower() == "content-disposition"), "")
                out = [(k, v) for k, v in out if k.lower() != "content-disposition"]
                if disposition.lower().startswith("inline"):
                    disposition = "attachment" + disposition[len("inline"):]
                elif not disposition.lower().startswith("attachment"):
                    filename = path.rstrip("/").rsplit("/", 1)[-1]
                    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "archivo"
                    disposition = f'attachment; filename="{safe}"'
                out.append(("Content-Disposition", disposition))
        elif mtype == "text/html" and "content-security-policy" not in names:
            out.append(("Content-Security-Policy",
                        FORM_PAGE_CSP if _FORM_PATH.match(path) else self.page_csp))
        if status[:3] in ("200", "304") and not is_file:
            cache = None
            if path.startswith("/webassets/") and _FINGERPRINT.search(path):
                cache = IMMUTABLE
            elif _STATIC_EXT.search(path) and "set-cookie" not in names:
                cache = STATIC_CACHE
            if cache:
                out = [(k, v) for k, v in out if k.lower() not in ("cache-control", "pragma", "expires")]
                out.append(("Cache-Control", cache))
        return out

    @staticmethod
    def _gzip(body: Iterable[bytes], streamed: bool) -> Iterable[bytes]:
        z = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip container
        try:
            for chunk in body:
                if not chunk:
                    continue
                data = z.compress(chunk)
                if streamed:  # a streamed export: let the client see each piece as it comes
                    data += z.flush(zlib.Z_SYNC_FLUSH)
                if data:
                    yield data
            yield z.flush()
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()


def make_middleware(app: Any, config: Any) -> Any:
    """IMiddleware hook: wrap the Flask app's WSGI callable."""
    from ckanext.sach import config as sach_config
    from ckanext.sach.web import csrf

    csrf.scope_exemptions_to_requests()
    app.wsgi_app = SachWebMiddleware(app.wsgi_app,
                                     trusted_proxies=sach_config.trusted_proxies(),
                                     gzip_min_size=sach_config.gzip_min_size(),
                                     page_csp=sach_config.content_security_policy() or PAGE_CSP)
    return app
