"""Template helpers of quality: a dataset's quality facts and the Spanish labels of its states.

The labels are kept in dicts and translated as ``tk._(variable)``; ``i18n/python_labels.py``
lists them for the catalogue.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.sach import dates

from . import scoring

__all__ = ["sach_freshness_label", "sach_quality", "sach_quality_missing_label"]

FRESHNESS_LABELS = {
    "current": "Al día",
    "due": "Por actualizar",
    "overdue": "Desactualizado",
    "not_applicable": "Sin periodicidad",
    "unknown": "Sin fecha o frecuencia",
}
MISSING_LABELS = {
    "identifier": "Identificador",
    "title": "Título",
    "notes": "Descripción",
    "modified": "Fecha de actualización",
    "contact.name": "Nombre del contacto",
    "contact.email": "Correo del contacto",
    "landing_page": "Página de documentación o diccionario de datos",
    "frequency": "Frecuencia de actualización",
    "resources": "Al menos un recurso",
}


def sach_quality(pkg: dict[str, Any]) -> dict[str, Any]:
    """Quality facts of a dataset dict for templates (no queries)."""
    facts = scoring.summary(pkg, dates.today())
    facts["freshness_label"] = sach_freshness_label(facts["freshness"])
    facts["missing_labels"] = [sach_quality_missing_label(m) for m in facts["missing"]]
    return facts


def sach_freshness_label(state: str) -> str:
    return tk._(FRESHNESS_LABELS.get(state, state))


def sach_quality_missing_label(check: str) -> str:
    if check in MISSING_LABELS:
        return tk._(MISSING_LABELS[check])
    if check.startswith("resources["):
        pos, _, field = check[len("resources["):].partition("].")
        names = {"name": tk._("nombre"), "url": tk._("URL"), "format": tk._("formato")}
        return tk._("Recurso {n}: {field}").format(n=pos, field=names.get(field, field))
    return check
