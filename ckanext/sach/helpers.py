"""Template helpers of ckanext-sach.

Helpers never run searches: pages get their data from the view (one cached
``package_search``); helpers only format what they are given or read config.
"""
from __future__ import annotations

import datetime
from typing import Any

from markupsafe import Markup

import ckan.plugins.toolkit as tk

from ckanext.sach import config, dates, values

__all__ = [
    "sach_choice_label",
    "sach_contact_address",
    "sach_contact_email",
    "sach_contact_phone",
    "sach_dataset_citation",
    "sach_dataset_links",
    "sach_date",
    "sach_datetime",
    "sach_error_detail",
    "sach_facets_estimated",
    "sach_homepage",
    "sach_municipality_name",
    "sach_pager",
    "sach_pnt_url",
    "sach_split_names",
    "sach_today",
    "sach_visible_count",
]

def sach_municipality_name() -> str:
    return config.municipality_name()


def sach_contact_email() -> str:
    return config.contact_email()


def sach_contact_phone() -> str:
    return config.contact_phone()


def sach_contact_address() -> str:
    return config.contact_address()


def sach_homepage() -> str:
    return config.homepage()


def sach_pnt_url() -> str:
    return config.pnt_url()


def sach_split_names(value: Any) -> list[str]:
    """``"a b c"`` or a list -> list of dataset names."""
    return values.split_names(value)


def sach_dataset_citation(pkg: dict[str, Any], today: datetime.date | None = None) -> dict[str, str]:
    """How to cite a dataset under the Términos de Libre Uso MX: dataset
    name, institution, URL and date of consultation."""
    today = today or sach_today()
    org = pkg.get("organization") or {}
    municipality = f"Ayuntamiento de {config.municipality_name()}"
    institution = f"{org['title']}, {municipality}" if org.get("title") else municipality
    url = tk.url_for("dataset.read", id=pkg["name"], _external=True)
    consulted = today.strftime("%d/%m/%Y")
    text = tk._(
        "{title}. {institution}. Disponible en: {url} (fecha de consulta: {date}). "
        "Términos de Libre Uso MX."
    ).format(title=pkg.get("title") or pkg["name"], institution=institution, url=url, date=consulted)
    return {
        "title": pkg.get("title") or pkg["name"],
        "institution": institution,
        "url": url,
        "date": consulted,
        "text": text,
    }


def sach_dataset_links(pkg: dict[str, Any]) -> list[dict[str, str]]:
    """Machine-readable forms of a dataset: DCAT (RDF) and CKAN API."""
    name = pkg["name"]
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    links = []
    for fmt, label in (("ttl", "DCAT (Turtle)"), ("rdf", "DCAT (RDF/XML)"), ("jsonld", "DCAT (JSON-LD)")):
        links.append({"label": label, "url": f"{site}/dataset/{name}.{fmt}", "format": fmt})
    links.append({
        "label": tk._("API de CKAN (package_show)"),
        "url": f"{site}/api/3/action/package_show?id={name}",
        "format": "json",
    })
    return links


def sach_choice_label(dataset_type: str, field_name: str, value: Any) -> str:
    """Label, in the page language, of a choice of a scheming field."""
    schema = tk.h.scheming_get_dataset_schema(dataset_type) or {}
    field = tk.h.scheming_field_by_name(schema.get("dataset_fields", []), field_name) or {}
    for choice in field.get("choices") or []:
        if choice.get("value") == value:
            return values.label_text(choice.get("label")) or str(value)
    return str(value or "")


def sach_today() -> datetime.date:
    """Today in the site's time zone (:func:`ckanext.sach.dates.today`)."""
    return dates.today()


def sach_date(value: Any) -> str:
    """A calendar date (``modified``, ``issued``, coverage, a card's date) in words,
    in the page language, exactly as written: ``2025-01-15`` and
    ``2025-01-15T00:00:00`` are "15 de enero de 2025" everywhere."""
    return dates.format_date(value)


def sach_datetime(value: Any, with_hours: bool = False) -> str:
    """A timestamp the site recorded (naive values are UTC) in the site's time
    zone (``ckan.display_timezone``); ``with_hours`` adds the time."""
    return dates.format_datetime(value, with_hours=with_hours)


def sach_visible_count(kind: str, name: str) -> int | None:
    """Datasets of dependencia/tema ``name`` (``kind`` ``organization`` or
    ``groups``) the visitor can open, from the counts the list view computed
    with one faceted search (``None`` when the view did not compute them)."""
    counts = tk.g.get("sach_visible_counts")
    if counts is None:
        return None
    return int(counts.get(kind, {}).get(name, 0))


def sach_error_detail(code: Any, content: Any) -> str:
    """The message an ``abort(code, message)`` gave, for the error page; empty when the error
    carries only werkzeug's generic English description (the page then says it in Spanish)."""
    from werkzeug.exceptions import default_exceptions

    text = str(content or "").strip()
    try:
        generic = default_exceptions[int(code)].description
    except (KeyError, TypeError, ValueError):
        generic = None
    return "" if not text or text == (generic or "").strip() else text


def sach_facets_estimated() -> bool:
    """Whether the facet counts of this page's search were estimated from a sample of its
    matches (`ckanext.sach.search.facet_sample_size`; only with `sach_pgsearch`)."""
    from ckanext.sach import search

    if not search.is_active():
        return False
    from ckanext.sach.search import connection

    return connection.facets_estimated()


def sach_pager(page: Any, label: str, **kwargs: Any) -> Markup:
    """CKAN's pager (``page.pager(**kwargs)``) inside a navigation named ``label``, with previous
    and next links a screen reader can name: CKAN's are bare chevron icons (axe: link-name)."""
    from dominate import tags

    def symbol(icon: str, words: str) -> Any:
        span = tags.span()
        span.add(tags.i(cls=f"fa-solid {icon}", aria_hidden="true"))
        span.add(tags.span(words, cls="visually-hidden"))
        return span

    pager = page.pager(symbol_previous=symbol("fa-chevron-left", tk._("Página anterior")),
                       symbol_next=symbol("fa-chevron-right", tk._("Página siguiente")), **kwargs)
    if not pager:
        return Markup("")
    return Markup('<nav aria-label="{}">{}</nav>').format(label, pager)  # pager: Markup already
