"""Resource view plugins of ckanext-sach: a chart of a DataStore column (``sach_chart``) and
the shapes of a GeoJSON file (``sach_map``). One IResourceView per plugin, as CKAN wants."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.sach.explore import api, chart

__all__ = ["SachChartView", "SachMapView"]


def _choice(options: tuple[str, ...]) -> Any:
    def validator(value: Any) -> Any:
        if value not in options:
            raise tk.Invalid(tk._("Elija una de las opciones."))
        return value
    return validator


def _numeric_column(key: Any, data: dict[Any, Any], errors: dict[Any, Any], context: Any) -> None:
    """The value column exists in the table and holds numbers (checked against the DataStore)."""
    value = data.get(key)
    resource_id = data.get(("resource_id",))
    if not value or not resource_id:
        return
    cols = {c["id"]: c for c in chart.columns(resource_id, user=context.get("user") or "")}
    if value not in cols:
        errors[key].append(tk._("La tabla no tiene esa columna."))
    elif cols[value]["type"] not in chart.NUMERIC_TYPES:
        errors[key].append(tk._("Elija una columna con números: «{label}» es de texto.").format(
            label=cols[value]["label"]))


class SachChartView(p.SingletonPlugin):
    """Bar or line chart of a numeric column of a DataStore table, labelled by another column.
    Its templates are the ``sach`` plugin's (load both)."""

    p.implements(p.IResourceView, inherit=True)

    def info(self) -> dict[str, Any]:
        not_empty = tk.get_validator("not_empty")
        ignore_missing = tk.get_validator("ignore_missing")
        # CKAN types get_validator() as a validator or a factory; "default" is a factory
        default: Any = tk.get_validator("default")
        unicode_safe = tk.get_validator("unicode_safe")
        natural = tk.get_validator("natural_number_validator")
        return {
            "name": "sach_chart",
            "title": tk._("Gráfica"),
            "default_title": tk._("Gráfica"),
            "icon": "chart-bar",
            "iframed": False,
            "requires_datastore": True,
            "preview_enabled": True,
            "schema": {
                "chart_type": [default("bar"), unicode_safe, _choice(chart.CHART_TYPES)],
                "value_column": [not_empty, unicode_safe, _numeric_column],
                "label_column": [ignore_missing, unicode_safe],
                "limit": [default(30), natural, _at_most(chart.MAX_POINTS)],
            },
        }

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        return api.is_loaded(data_dict["resource"])

    def setup_template_variables(self, context: Any, data_dict: dict[str, Any]) -> dict[str, Any]:
        resource = data_dict["resource"]
        view = data_dict.get("resource_view") or {}
        cols = chart.columns(resource["id"])
        out: dict[str, Any] = {"chart_columns": cols, "chart_numeric_columns": chart.numeric_columns(cols),
                               "chart": None, "chart_error": None}
        value_column = str(view.get("value_column") or "")
        if not value_column:
            return out
        titles = {c["id"]: c["label"] for c in cols}
        if value_column not in titles:
            out["chart_error"] = tk._("La columna de valores ya no está en la tabla.")
            return out
        label_column = str(view.get("label_column") or "") if view.get("label_column") in titles else ""
        try:
            limit = min(int(view.get("limit") or 30), chart.MAX_POINTS)
        except (TypeError, ValueError):
            limit = 30
        try:
            rows, total = chart.fetch(resource["id"], label_column, value_column, limit)
        except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
            out["chart_error"] = tk._("No se pudieron leer los datos de la tabla.")
            return out
        out["chart"] = chart.build(view.get("chart_type") or "bar", rows, label_column, value_column,
                                   titles.get(label_column, tk._("Fila")), titles[value_column], total)
        return out

    def view_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return "sach/views/chart.html"

    def form_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return "sach/views/chart_form.html"


def _at_most(limit: int) -> Any:
    def validator(value: Any) -> Any:
        if value is not None and int(value) > limit:
            raise tk.Invalid(tk._("Como máximo {n}.").format(n=limit))
        return value
    return validator


class SachMapView(p.SingletonPlugin):
    """The shapes of an uploaded GeoJSON or KML file (:mod:`.kml`), as SVG without a base map (the site is offline
    and loads no map library). Its templates are the ``sach`` plugin's (load both)."""

    p.implements(p.IResourceView, inherit=True)

    FORMATS = frozenset({"geojson", "kml"})

    def info(self) -> dict[str, Any]:
        return {
            "name": "sach_map",
            "title": tk._("Mapa"),
            "default_title": tk._("Mapa"),
            "icon": "map",
            "iframed": False,
            "always_available": False,
            "preview_enabled": True,
        }

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        resource = data_dict["resource"]
        return (resource.get("url_type") == "upload"
                and (resource.get("format") or "").strip().lower() in self.FORMATS)

    def setup_template_variables(self, context: Any, data_dict: dict[str, Any]) -> dict[str, Any]:
        from ckan.lib import uploader

        from ckanext.sach.explore import geo, kml

        resource = data_dict["resource"]
        if resource.get("url_type") != "upload":
            return {"map": None, "map_error": tk._("El mapa sólo se dibuja para archivos subidos al portal.")}
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        try:
            is_kml = (resource.get("format") or "").strip().lower() == "kml"
            data = kml.read_file(path) if is_kml else geo.read_file(path)
            return {"map": geo.shapes(data), "map_error": None}
        except geo.GeoError as exc:
            return {"map": None, "map_error": tk._(str(exc))}

    def view_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return "sach/views/map.html"

    def form_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return "sach/views/map_form.html"
