"""The load status of a resource's DataStore table, in Spanish, for the users who can edit it.

xloader keeps its state in CKAN's ``task_status`` (``xloader_status``) and its errors in
English; :func:`error_message` turns the common ones into a sentence an officer can act on.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.plugins import plugin_loaded

from . import guard

# (pattern of xloader's English error, Spanish message); the first that matches wins.
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Personal data review pending", re.I),
     "No se cargó: la revisión de datos personales del archivo está pendiente o tiene hallazgos "
     "sin revisar."),
    (re.compile(r"more values than|extra data after|missing data for column|ragged", re.I),
     "Alguna fila tiene más o menos valores que columnas el encabezado (a menudo por una coma "
     "dentro de un valor sin comillas). Corrija esas filas y súbalo de nuevo."),
    (re.compile(r"could not be read as a table|Loading file raised an error|not supported", re.I),
     "El archivo no se pudo leer como una tabla: revise que sea de verdad un CSV, TSV o XLSX "
     "con una fila de encabezados."),
    (re.compile(r"encod|codec|invalid byte sequence", re.I),
     "El archivo no está en una codificación de texto válida: guárdelo como CSV UTF-8 y "
     "súbalo de nuevo."),
    (re.compile(r"No entries found|nothing to load|0 rows|empty", re.I),
     "El archivo no tiene filas de datos (sólo encabezados, o está vacío)."),
    (re.compile(r"too large|DataTooBig", re.I),
     "El archivo es demasiado grande para cargarlo como tabla."),
    (re.compile(r"timed out|timeout", re.I),
     "La carga tardó demasiado y se canceló. Inténtelo de nuevo más tarde."),
]


def error_message(error: Any) -> str:
    """A Spanish explanation of an xloader error (a dict with ``message``, or text)."""
    text = error.get("message") if isinstance(error, dict) else error
    text = str(text or "")
    for pattern, message in _ERRORS:
        if pattern.search(text):
            return tk._(message)
    return tk._("La carga falló por un error inesperado. Vuelva a intentarlo; si se repite, "
                "avise al administrador del sitio.")


def status_for(resource: dict[str, Any]) -> dict[str, Any] | None:
    """What the resource page shows to editors: ``state`` (waiting, loading, loaded, failed,
    blocked or none), a Spanish ``text`` and, once loaded, the number of ``rows``."""
    resource_id = resource.get("id")
    if not resource_id or not plugin_loaded("xloader"):
        return None
    from ckanext.xloader.utils import XLoaderFormats

    if not XLoaderFormats.is_it_an_xloader_format(resource.get("format") or ""):
        return None
    if not guard.may_load(resource_id):
        return {"state": "blocked", "text": tk._(
            "No se carga como tabla mientras la revisión de datos personales del archivo esté "
            "pendiente o tenga hallazgos sin revisar.")}
    try:
        task = tk.get_action("xloader_status")({"ignore_auth": True}, {"resource_id": resource_id})
    except tk.ObjectNotFound:
        if resource.get("datastore_active"):
            return _loaded(resource_id)
        return {"state": "none", "text": tk._("El archivo todavía no se ha cargado como tabla.")}
    state = task.get("status")
    if state in ("submitting", "pending"):
        return {"state": "waiting", "text": tk._("En espera: la carga como tabla empezará en breve.")}
    if state in ("running", "running_but_viewable"):
        return {"state": "loading", "text": tk._("Cargando el archivo como tabla…")}
    if state == "error":
        return {"state": "failed", "text": tk._("La carga como tabla falló: {reason}").format(
            reason=error_message(task.get("error")))}
    if state == "complete":
        return _loaded(resource_id)
    return None


def _loaded(resource_id: str) -> dict[str, Any]:
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return {"state": "none", "text": tk._("El archivo todavía no se ha cargado como tabla.")}
    rows = (info.get("meta") or {}).get("count", 0)
    return {"state": "loaded", "rows": rows,
            "text": tk.ungettext("Cargado: {n} fila.", "Cargado: {n} filas.", rows).format(n=rows)}
