"""``/sitemap.xml``: what search engines may find of the catalogue, so a citizen who searches the
web for «presupuesto San Andrés Cholula» lands on the dataset.

A sitemap index (sitemaps.org 0.9) lists one sitemap of the site's pages (home, catalogue,
dependencias, temas, the microsite) and the datasets in chunks of
``ckanext.sach.sitemap.page_size`` (at most 50,000, the protocol's limit), ordered by name.
Only what an anonymous visitor can open is listed: active, public datasets of type ``dataset``
and active dependencias and temas — never private, draft or deleted ones. ``robots.txt`` names the
index.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

import sqlalchemy as sa
from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sach import config as sach_config

__all__ = ["get_blueprints"]

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
blueprint = Blueprint("sach_sitemap", __name__)

# the site's own pages, by endpoint (the microsite's sections included)
PAGES = ["sach_home.index", "dataset.search", "sach_home.organization_index", "sach_home.group_index",
         "home.about", "sach_microsite.index", "sach_microsite.informacion_util",
         "sach_microsite.datos_abiertos", "sach_microsite.ayuntamiento_abierto",
         "sach_microsite.participacion"]


def _public_datasets() -> Any:
    pkg = model.Package
    return (model.Session.query(pkg.name, pkg.metadata_modified)
            .filter(pkg.state == "active", pkg.private.is_(False), pkg.type == "dataset"))


def _groups() -> Any:
    group = model.Group
    return (model.Session.query(group.name, group.is_organization, group.type)
            .filter(group.state == "active", group.type.in_(["organization", "group"]))
            .order_by(group.is_organization.desc(), group.name))


def _site_url() -> str:
    return tk.config["ckan.site_url"].rstrip("/")


def _lastmod(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _xml(root: str, entries: Iterable[tuple[str, str]]) -> Response:
    child = "sitemap" if root == "sitemapindex" else "url"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="{NS}">']
    for loc, lastmod in entries:
        modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"<{child}><loc>{escape(loc)}</loc>{modified}</{child}>")
    lines.append(f"</{root}>")
    response = Response("\n".join(lines) + "\n", mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _chunks() -> int:
    return max(1, math.ceil(_public_datasets().count() / sach_config.sitemap_page_size()))


@blueprint.route("/sitemap.xml")
def index() -> Response:
    site = _site_url()
    newest = _public_datasets().with_entities(sa.func.max(model.Package.metadata_modified)).scalar()
    entries = [(f"{site}/sitemap-paginas.xml", "")]
    entries += [(f"{site}/sitemap-conjuntos-{n}.xml", _lastmod(newest)) for n in range(1, _chunks() + 1)]
    return _xml("sitemapindex", entries)


@blueprint.route("/sitemap-paginas.xml")
def pages() -> Response:
    site = _site_url()
    entries = [(site + tk.url_for(endpoint), "") for endpoint in PAGES]
    for name, is_org, _type in _groups():
        entries.append((site + tk.url_for("organization.read" if is_org else "group.read", id=name), ""))
    return _xml("urlset", entries)


@blueprint.route("/sitemap-conjuntos-<int:number>.xml")
def datasets(number: int) -> Response:
    size = sach_config.sitemap_page_size()
    if number < 1 or number > _chunks():
        tk.abort(404, tk._("Esta parte del mapa del sitio no existe."))
    rows = (_public_datasets().order_by(model.Package.name)
            .offset((number - 1) * size).limit(size))
    site = _site_url()
    return _xml("urlset", ((site + tk.url_for("dataset.read", id=name), _lastmod(modified))
                           for name, modified in rows))


def get_blueprints() -> list[Any]:
    return [blueprint]
