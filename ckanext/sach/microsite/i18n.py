"""Template helpers for content in one language shown on pages in another.

Officers write content (dataset titles and descriptions, dependencia and tema
names, microsite texts) in Spanish; the interface is translated through Babel.
On an ``/en/`` page, Spanish content is marked ``lang="es"`` so screen readers
and translators treat it as Spanish. Microsite texts may carry an English
version (``title_en``/``notes_en``); where it is missing Spanish is shown,
marked as such.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

import ckan.plugins.toolkit as tk

__all__ = ["format_resource_items", "humanize_entity_type", "sach_content_lang", "sach_localized_text"]


def _page_lang() -> str:
    try:
        lang = tk.h.lang() or "es"
    except Exception:  # outside a request
        lang = "es"
    return "en" if str(lang).startswith("en") else "es"


def sach_content_lang(content_lang: str = "es") -> Markup:
    """`` lang="es"`` (with its leading space) when content written in
    ``content_lang`` is shown on a page in another language, else ``""``."""
    if _page_lang() == content_lang:
        return Markup("")
    return Markup(' lang="{}"').format(content_lang)


def sach_localized_text(text: dict[str, Any]) -> dict[str, Any]:
    """The title and HTML body of a microsite text in the page language:
    ``{"title", "notes_html", "lang"}`` where ``lang`` is the language of what
    is returned (English when the text has it and the page is English)."""
    if _page_lang() == "en" and (text.get("title_en") or text.get("notes_en_html")):
        return {
            "title": text.get("title_en") or text.get("title"),
            "title_lang": "en" if text.get("title_en") else "es",
            "notes_html": text.get("notes_en_html") or text.get("notes_html"),
            "notes_lang": "en" if text.get("notes_en_html") else "es",
        }
    return {"title": text.get("title"), "title_lang": "es",
            "notes_html": text.get("notes_html"), "notes_lang": "es"}


@tk.chained_helper
def format_resource_items(next_helper: Any, items: Any) -> list[tuple[str, Any]]:
    """No extra rows under a resource's "Información adicional" table.

    With scheming every field worth showing is a schema field, listed with
    its translated label; CKAN's extra rows were the remaining internal keys
    and values, raw and in English ("Has views False", "Package id",
    "State active") on Spanish pages."""
    return []


def _type_labels() -> dict[str, tuple[str, str]]:
    """(singular, plural) names of the microsite content types, translated."""
    _ = tk._
    return {
        "informacion_util": (_("ficha de información pública útil"), _("fichas de información pública útil")),
        "plan_publicacion": (_("compromiso del plan de publicación"), _("compromisos del plan de publicación")),
        "actividad_escolar": (_("actividad escolar"), _("actividades escolares")),
        "texto_micrositio": (_("texto del micrositio"), _("textos del micrositio")),
    }


@tk.chained_helper
def humanize_entity_type(next_helper: Any, entity_type: str, object_type: str, purpose: str) -> Any:
    """Forms, titles and breadcrumbs of the microsite content types name them
    in the page language ("Crear texto del micrositio", "Create microsite
    text"), not by their type key ("Create Texto micrositio")."""
    result = next_helper(entity_type, object_type, purpose)
    labels = _type_labels().get(object_type) if entity_type == "package" else None
    if not labels or not isinstance(result, str):
        return result
    singular, plural = labels
    key = object_type.replace("_", " ").capitalize()
    for auto, mine in ((key + "s", plural), (key, singular)):
        if result.startswith(auto):
            result = mine[:1].upper() + mine[1:] + result[len(auto):]
        result = result.replace(auto, mine)
    return result


def translated_licences() -> None:
    """``before_app_request``: the licence choices of the dataset forms in the
    page language. ckanext-scheming offers ``g.licenses`` when set, else the
    register's titles untranslated (CKAN's own ``license_options`` helper
    translates them; the form does not use it)."""
    from flask import request

    from ckan import model

    endpoint = request.endpoint or ""
    if endpoint.endswith((".new", ".edit")):
        tk.g.licenses = [("", "")] + [(tk._(title), license_id)
                                      for title, license_id in model.Package.get_license_options()]


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


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
    from urllib.parse import urlsplit, urlunsplit

    from flask import request

    from ckan.lib.i18n import get_locales_from_config

    if response.status_code not in _REDIRECTS or request.endpoint == "util.internal_redirect":
        return response  # the language selector's redirect chooses the language itself
    environ = request.environ
    lang = environ.get("CKAN_LANG")
    if not lang or environ.get("CKAN_LANG_IS_DEFAULT", True):
        return response
    location = response.headers.get("Location")
    if not location:
        return response
    parts = urlsplit(location)
    if parts.netloc and parts.netloc != request.host:
        site = urlsplit(tk.config.get("ckan.site_url") or "")
        if parts.netloc != site.netloc:
            return response
    root = request.script_root.rstrip("/")
    path = parts.path or "/"
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    elif root and path == root:
        path = "/"
    first = path.split("/")[1] if path.startswith("/") else ""
    if first in {str(loc) for loc in get_locales_from_config()} or first in ("api", "uploads", "webassets", "base"):
        return response
    if not path.startswith("/"):
        return response  # a relative Location: resolved against the prefixed URL already
    new_path = f"{root}/{lang}{path}"
    response.headers["Location"] = urlunsplit((parts.scheme, parts.netloc, new_path, parts.query, parts.fragment))
    return response
