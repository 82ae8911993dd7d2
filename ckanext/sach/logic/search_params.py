"""Search parameters that CKAN's ``package_search`` cannot handle get a 409 with a message, and
the core pages that search (dependencias, temas, feeds, the catalogue) answer a search they
cannot run with a 400 page in Spanish, never a 500.

- ``package_search`` (chained) checks the *shape* of every parameter before CKAN reads it:
  text parameters (``q``, ``fq``, ``sort``, ``mm``…) must be one text (a number is read as
  text), not a list or an object; ``rows``/``start``/``facet.*`` one value (an empty one means
  "not given", as CKAN's own ``int_validator`` reads it, instead of CKAN's ``TypeError``);
  ``start`` at most 2³¹−1 (Solr's limit); ``include_*`` a boolean CKAN can read (``asbool``
  raises on anything else); ``fl`` and ``fq_list`` texts; ``extras`` an object.
- Called by CKAN's group/organization read views, which turn a ``SearchError`` into a
  template that then fails (``search_facets`` is undefined), a search the engine refuses (a
  fielded query that does not parse, an unknown sort field) becomes a ``ValidationError``
  naming the parameter.
- An app-wide error handler, limited to CKAN's dataset, group/organization and feed views,
  renders a ``SearchError`` or ``ValidationError`` that reaches it as the site's 400 page with
  the message. Other views keep CKAN's handling.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, has_request_context, request
from werkzeug.exceptions import BadRequest

import ckan.plugins.toolkit as tk
from ckan.common import falsy, truthy
from ckan.lib.search.common import SearchError
from ckan.types import Action, Context, DataDict, ErrorDict

__all__ = ["package_search"]

log = logging.getLogger(__name__)

TEXT_PARAMS = ("q", "fq", "sort", "qf", "defType", "mm", "q.op", "tie", "bf", "boost", "df", "wt",
               "facet")
INT_PARAMS = ("rows", "start", "facet.mincount", "facet.limit")
BOOL_PARAMS = ("include_private", "include_drafts", "include_deleted", "use_default_schema")
START_MAX = 2 ** 31 - 1

# CKAN's views whose errors this module renders as a 400 page
GUARDED_VIEW_MODULES = ("ckan.views.group", "ckan.views.feed", "ckan.views.dataset")
# ... and those among them that swallow a SearchError into a template that cannot render it
SEARCH_ERROR_UNSAFE_MODULES = ("ckan.views.group",)


def _msg_text() -> str:
    return tk._("Debe ser un texto, no una lista ni un objeto.")


def _msg_one_value() -> str:
    return tk._("Debe ser un solo valor, no una lista ni un objeto.")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shape_errors(data_dict: DataDict) -> ErrorDict:
    """Per parameter, what is wrong with its shape; blank numeric values are removed."""
    errors: ErrorDict = {}
    for check in (_text_errors, _int_errors, _start_errors, _bool_errors, _list_errors, _extras_errors):
        check(data_dict, errors)
    return errors


def _text_errors(data_dict: DataDict, errors: ErrorDict) -> None:
    for key in TEXT_PARAMS:
        if isinstance(data_dict.get(key), (list, tuple, dict, set)):
            errors[key] = [_msg_text()]


def _int_errors(data_dict: DataDict, errors: ErrorDict) -> None:
    for key in INT_PARAMS:
        value = data_dict.get(key)
        if isinstance(value, (list, tuple, dict, set)):
            errors[key] = [_msg_one_value()]
        elif key in data_dict and _is_blank(value):
            del data_dict[key]


def _start_errors(data_dict: DataDict, errors: ErrorDict) -> None:
    start = data_dict.get("start")
    try:
        too_far = start is not None and int(start) > START_MAX
    except (TypeError, ValueError, OverflowError):
        too_far = False  # CKAN's own validator says what is wrong with it
    if too_far:
        errors["start"] = [tk._("Debe ser un número entero entre 0 y {maximum}.").format(maximum=START_MAX)]


def _bool_errors(data_dict: DataDict, errors: ErrorDict) -> None:
    for key in BOOL_PARAMS:
        value = data_dict.get(key)
        if value is None or isinstance(value, (bool, int)):
            continue
        if isinstance(value, str) and (value.strip().lower() in truthy | falsy or not value.strip()):
            if not value.strip():
                data_dict[key] = False
            continue
        errors[key] = [tk._("Debe ser true o false.")]


def _list_errors(data_dict: DataDict, errors: ErrorDict) -> None:
    for key in ("fl", "fq_list"):
        value = data_dict.get(key)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            errors[key] = [tk._("Debe ser un texto o una lista de textos.")]
    if isinstance(data_dict.get("fq_list"), str):
        data_dict["fq_list"] = [data_dict["fq_list"]]


def _extras_errors(data_dict: DataDict, errors: ErrorDict) -> None:
    if "extras" in data_dict and not isinstance(data_dict["extras"], dict):
        errors["extras"] = [tk._("Debe ser un objeto.")]


def _view_module() -> str | None:
    """The module of the view serving the current request (None outside a request)."""
    if not has_request_context() or not request.endpoint:
        return None
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "__module__", None)


def _refused_param(params: DataDict) -> str:
    """Which parameter the engine refused, when this site's engine can tell (else ``q``)."""
    from ckanext.sach import search

    if not search.is_active():
        return "q"
    from ckanext.sach.search import config as search_config
    from ckanext.sach.search.query import QueryBuilder

    q = params.get("q")
    def_type = params.get("defType") or "dismax"
    if ":" in str(q or "") and def_type != "edismax":  # CKAN's rule: fielded queries are Lucene's
        def_type = None
    checks: list[tuple[str, Callable[[QueryBuilder], Any]]] = [
        ("sort", lambda b: b.order_keys(params.get("sort") or None, "0")),
        ("q", lambda b: b.q_clause(q, def_type, params.get("mm"))),
        ("fq", lambda b: b.fq_clause(params.get("fq"))),
    ]
    for name, check in checks:
        try:
            check(QueryBuilder(search_config.text_config()))
        except SearchError:
            return name
    return "q"


def _refusal(params: DataDict, error: SearchError) -> tk.ValidationError:
    name = _refused_param(params)
    if name == "sort":
        message = tk._("El orden «{sort}» no es válido: indique un campo y asc o desc, por ejemplo "
                       "«metadata_modified desc».").format(sort=params.get("sort"))
    elif name == "fq":
        message = tk._("Los filtros de la búsqueda no son válidos.")
    else:
        message = tk._("No se pudo interpretar la búsqueda «{q}»: revise las comillas, los paréntesis "
                       "y los nombres de campo.").format(q=params.get("q") or "")
    log.info("Search refused (%s): %s", name, error)
    return tk.ValidationError({name: [message]})


@tk.side_effect_free
@tk.chained_action
def package_search(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    errors = _shape_errors(data_dict)
    if errors:
        raise tk.ValidationError(errors)
    if _view_module() not in SEARCH_ERROR_UNSAFE_MODULES:
        return next_action(context, data_dict)
    params = dict(data_dict)
    try:
        return next_action(context, data_dict)
    except SearchError as error:
        raise _refusal(params, error) from None


# -- the 400 page for CKAN's search views ----------------------------------------------------------

def _message(error: Exception) -> str:
    if isinstance(error, tk.ValidationError) and "start" in (error.error_dict or {}) \
            and "page" in request.args:
        return tk._("El número de página es demasiado grande.")
    if isinstance(error, tk.ValidationError):
        parts: list[str] = []
        for value in (error.error_dict or {}).values():
            items = value if isinstance(value, list) else [value]
            parts.extend(str(item) for item in items if isinstance(item, str))
        if parts:
            return " ".join(parts)
    return tk._("No se pudo realizar esta búsqueda: revise las comillas, los paréntesis, el orden y "
                "los filtros.")


def _search_error_page(error: Exception) -> Any:
    if _view_module() not in GUARDED_VIEW_MODULES:
        raise error
    log.info("Search view %s refused its parameters: %s", request.endpoint, error)
    return current_app.handle_http_exception(BadRequest(description=_message(error)))


def get_blueprints() -> list[Any]:
    blueprint = Blueprint("sach_search_errors", __name__)
    blueprint.app_errorhandler(SearchError)(_search_error_page)
    blueprint.app_errorhandler(tk.ValidationError)(_search_error_page)
    return [blueprint]
