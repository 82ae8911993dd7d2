"""Pages in the visitor's language, site-wide.

* ``sach_content_lang``: officers write content (dataset titles and descriptions, dependencia
  and tema names, microsite texts) in Spanish while the interface is translated through Babel;
  on an ``/en/`` page, Spanish content is marked ``lang="es"`` so screen readers and translators
  treat it as Spanish.
* ``format_resource_items``: no untranslated internal rows under a resource.
* Two request hooks, registered for the whole app by this module's blueprint: redirects keep the
  page language (``keep_language``) and the dataset forms offer the licences translated
  (``translated_licences``).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint
from markupsafe import Markup

import ckan.plugins.toolkit as tk

from ckanext.sach import values
from ckanext.sach.web.request import request

__all__ = ["format_resource_items", "sach_content_lang"]


def page_lang() -> str:
    """``en`` on English pages, else ``es`` (also outside a request)."""
    return "en" if values.current_lang() == "en" else "es"


def sach_content_lang(content_lang: str = "es") -> Markup:
    """`` lang="es"`` (with its leading space) when content written in
    ``content_lang`` is shown on a page in another language, else ``""``."""
    if page_lang() == content_lang:
        return Markup("")
    return Markup(' lang="{}"').format(content_lang)


@tk.chained_helper
def format_resource_items(next_helper: Any, items: Any) -> list[tuple[str, Any]]:
    """No extra rows under a resource's "Información adicional" table.

    With scheming every field worth showing is a schema field, listed with
    its translated label; CKAN's extra rows were the remaining internal keys
    and values, raw and in English ("Has views False", "Package id",
    "State active") on Spanish pages."""
    return []


def translated_licences() -> None:
    """``before_app_request``: the licence choices of the dataset forms in the
    page language. ckanext-scheming offers ``g.licenses`` when set, else the
    register's titles untranslated (CKAN's own ``license_options`` helper
    translates them; the form does not use it)."""
    from ckan import model

    endpoint = request.endpoint or ""
    if endpoint.endswith((".new", ".edit")):
        tk.g.licenses = [("", "")] + [(tk._(title), license_id)
                                      for title, license_id in model.Package.get_license_options()]


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_UNPREFIXED = frozenset({"api", "uploads", "webassets", "base"})


def _redirect_language(response: Any) -> str | None:
    """The page language when ``response`` is a redirect that should keep it: a language other
    than the default, and not the language selector's own redirect (it chooses the language)."""
    if response.status_code not in _REDIRECTS or request.endpoint == "util.internal_redirect":
        return None
    lang = request.environ.get("CKAN_LANG")
    if not lang or request.environ.get("CKAN_LANG_IS_DEFAULT", True):
        return None
    return str(lang)


def _on_this_site(netloc: str) -> bool:
    if not netloc or netloc == request.host:
        return True
    return netloc == urlsplit(tk.config.get("ckan.site_url") or "").netloc


def _path_in_site(path: str, root: str) -> str:
    """``path`` without the site's script root (a site served under a sub-path)."""
    if root and path.startswith(root + "/"):
        return path[len(root):]
    if root and path == root:
        return "/"
    return path


def _needs_prefix(path: str) -> bool:
    """An absolute path of a page that names no language (API, uploads and assets have none)."""
    from ckan.lib.i18n import get_locales_from_config

    if not path.startswith("/"):
        return False  # a relative Location: resolved against the prefixed URL already
    first = path.split("/")[1]
    return first not in {str(loc) for loc in get_locales_from_config()} and first not in _UNPREFIXED


def keep_language(response: Any) -> Any:
    """``after_app_request``: a redirect answered to a page in a language other
    than the default keeps that language.

    CKAN strips the ``/en`` prefix from the path before routing, so redirects
    built from the path (Werkzeug's trailing-slash redirect of
    ``/en/gobierno-abierto`` to ``/gobierno-abierto/``, or a view's
    ``redirect(request.path)``) land on the Spanish page; ``h.url_for`` ones
    already carry the prefix and are left alone, as are redirects to other
    sites, those that already name a language and the language selector's.
    """
    lang = _redirect_language(response)
    location = response.headers.get("Location") if lang else None
    if not location:
        return response
    parts = urlsplit(location)
    if not _on_this_site(parts.netloc):
        return response
    root = request.script_root.rstrip("/")
    path = _path_in_site(parts.path or "/", root)
    if _needs_prefix(path):
        response.headers["Location"] = urlunsplit(
            (parts.scheme, parts.netloc, f"{root}/{lang}{path}", parts.query, parts.fragment))
    return response


blueprint = Blueprint("sach_language", __name__)
# a blueprint's app hooks apply to every request of the site, not only to its own routes
blueprint.after_app_request(keep_language)
blueprint.before_app_request(translated_licences)


def get_blueprints() -> list[Blueprint]:
    return [blueprint]
