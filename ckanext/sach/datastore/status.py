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

# Patterns of xloader's (and .jsonload's) English errors, each with the key of its Spanish
# message in :func:`_messages`; the first that matches wins.
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Personal data review pending", re.I), "personal"),
    (re.compile(r"JSON is not a table", re.I), "json_not_table"),
    (re.compile(r"JSON could not be parsed", re.I), "json_invalid"),
    (re.compile(r"JSON column name not valid", re.I), "json_column"),
    (re.compile(r"more values than|extra data after|missing data for column|ragged", re.I), "ragged"),
    (re.compile(r"could not be read as a table|Loading file raised an error|not supported", re.I), "not_table"),
    (re.compile(r"encod|codec|invalid byte sequence", re.I), "encoding"),
    (re.compile(r"No entries found|nothing to load|0 rows|empty", re.I), "empty"),
    (re.compile(r"too large|DataTooBig", re.I), "too_large"),
    (re.compile(r"timed out|timeout", re.I), "timeout"),
]


def _messages() -> dict[str, str]:
    """The Spanish messages, translated now (literal ``tk._`` calls: Babel extracts them)."""
    return {
        "personal": tk._("No se cargó: la revisión de datos personales del archivo está pendiente o "
                         "tiene hallazgos sin revisar."),
        "json_not_table": tk._("El archivo JSON no es una tabla: debe ser una lista de objetos "
                               "([{…}, {…}]) o un objeto con una sola lista de objetos, como "
                               '{"data": [{…}, {…}]}.'),
        "json_invalid": tk._("El archivo no es un JSON válido (revise que esté completo y guardado "
                             "en UTF-8)."),
        "json_column": tk._("Un nombre de columna del JSON no es válido: está vacío, empieza con «_», "
                            "lleva comillas o pasa de 63 caracteres."),
        "ragged": tk._("Alguna fila tiene más o menos valores que columnas el encabezado (a menudo por "
                       "una coma dentro de un valor sin comillas). Corrija esas filas y súbalo de nuevo."),
        "not_table": tk._("El archivo no se pudo leer como una tabla: revise que sea de verdad un CSV, "
                          "TSV, XLSX o JSON con una fila de encabezados."),
        "encoding": tk._("El archivo no está en una codificación de texto válida: guárdelo como CSV "
                         "UTF-8 y súbalo de nuevo."),
        "empty": tk._("El archivo no tiene filas de datos (sólo encabezados, o está vacío)."),
        "too_large": tk._("El archivo es demasiado grande para cargarlo como tabla."),
        "timeout": tk._("La carga tardó demasiado y se canceló. Inténtelo de nuevo más tarde."),
    }


def error_message(error: Any) -> str:
    """A Spanish explanation of an xloader error (a dict with ``message``, or text)."""
    text = error.get("message") if isinstance(error, dict) else error
    text = str(text or "")
    for pattern, key in _ERRORS:
        if pattern.search(text):
            return _messages()[key]
    return tk._("La carga falló por un error inesperado. Vuelva a intentarlo; si se repite, "
                "avise al administrador del sitio.")


def status_for(resource: dict[str, Any]) -> dict[str, Any] | None:
    """What the resource page shows to editors: ``state`` (waiting, loading, loaded, failed,
    blocked or none), a Spanish ``text`` and, once loaded, the number of ``rows``."""
    resource_id = resource.get("id")
    if not resource_id or not plugin_loaded("xloader") or not guard.loadable(resource.get("format")):
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
    return _of_task(resource_id, task)


def _of_task(resource_id: str, task: dict[str, Any]) -> dict[str, Any] | None:
    """The status of a load xloader (or .jsonload) knows of."""
    state = task.get("status")
    if state in ("submitting", "pending"):
        return {"state": "waiting", "text": tk._("En espera: la carga como tabla empezará en breve.")}
    if state in ("running", "running_but_viewable"):
        return {"state": "loading", "text": tk._("Cargando el archivo como tabla…")}
    if state == "error":
        return {"state": "failed", "text": tk._("La carga como tabla falló: {reason}").format(
            reason=error_message(task.get("error")))}
    return _loaded(resource_id) if state == "complete" else None


def _loaded(resource_id: str) -> dict[str, Any]:
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return {"state": "none", "text": tk._("El archivo todavía no se ha cargado como tabla.")}
    rows = (info.get("meta") or {}).get("count", 0)
    return {"state": "loaded", "rows": rows,
            "text": tk.ungettext("Cargado: {n} fila.", "Cargado: {n} filas.", rows).format(n=rows)}
