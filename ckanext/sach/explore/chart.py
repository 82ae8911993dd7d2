"""A bar or line chart of one DataStore column, drawn on the server as SVG.

No third-party JavaScript: the site's Content-Security-Policy allows scripts from the
site only and the site works offline. The geometry is computed here and written by
``templates/sach/views/chart.html`` (an ``<svg role="img">`` with a title and a
description, and the same figures as a table for screen readers and for copying).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

__all__ = ["CHART_TYPES", "NUMERIC_TYPES", "Chart", "build", "columns", "fetch", "numeric_columns"]

NUMERIC_TYPES = frozenset({"int", "int2", "int4", "int8", "numeric", "float4", "float8"})
CHART_TYPES = ("bar", "line")
MAX_POINTS = 100

# Drawing area of the SVG viewBox (the SVG scales to the width of the page).
WIDTH = 360
ROW = 38          # a horizontal bar: label line + bar
LINE_HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 56


@dataclass
class Chart:
    kind: str
    label_title: str
    value_title: str
    points: list[dict[str, Any]] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    ticks: list[dict[str, Any]] = field(default_factory=list)
    path: str = ""
    maximum: float = 0
    minimum: float = 0
    truncated: bool = False
    max_text: str = ""
    left: int = LEFT
    right: int = RIGHT


def columns(resource_id: str, user: str | None = None) -> list[dict[str, Any]]:
    """The table's columns (id, type, label) as the user (default: the visitor) may read them;
    empty if none."""
    context: Context = {"user": user} if user is not None else {}
    try:
        info = tk.get_action("datastore_info")(context, {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return []
    out = []
    for f in info.get("fields") or []:
        if f["id"].startswith("_"):
            continue
        label = ((f.get("info") or {}).get("label") or "").strip()
        out.append({"id": f["id"], "type": f.get("type", ""), "label": label or f["id"]})
    return out


def numeric_columns(cols: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in cols if c["type"] in NUMERIC_TYPES]


def fetch(resource_id: str, label_column: str, value_column: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The first ``limit`` rows (table order) of the two columns, and how many rows there are."""
    fields = [c for c in (label_column, value_column) if c]
    found = tk.get_action("datastore_search")({}, {
        "resource_id": resource_id, "fields": fields, "limit": limit, "sort": "_id",
    })
    return list(found["records"]), int(found.get("total") or 0)


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None
    return number if math.isfinite(number) else None


def _nice_step(span: float, steps: int = 4) -> float:
    raw = span / steps if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _format(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.2f}".replace(",", " ")


def build(kind: str, rows: list[dict[str, Any]], label_column: str, value_column: str,
          label_title: str, value_title: str, total: int) -> Chart:
    chart = Chart(kind=kind if kind in CHART_TYPES else "bar", label_title=label_title, value_title=value_title)
    points: list[dict[str, Any]] = []
    for i, row in enumerate(rows, start=1):
        value = _number(row.get(value_column))
        label = row.get(label_column) if label_column else None
        points.append({"label": str(label) if label not in (None, "") else str(i), "value": value,
                       "text": _format(value) if value is not None else "—"})
    chart.truncated = total > len(rows)
    values = [p["value"] for p in points if p["value"] is not None]
    chart.maximum = max([*values, 0.0])
    chart.minimum = min([*values, 0.0])
    chart.max_text = _format(max(values)) if values else "—"
    step = _nice_step(chart.maximum - chart.minimum)
    top = math.ceil(chart.maximum / step) * step if chart.maximum > 0 else 0
    bottom = math.floor(chart.minimum / step) * step if chart.minimum < 0 else 0
    span = (top - bottom) or 1
    if chart.kind == "bar":
        # bars take the whole width, labels above them; room on the right for the figures
        chart.left, chart.right = 8, 48
        _bars(chart, points, bottom, span)
    else:
        _line(chart, points, bottom, span)
    n = round(span / step)
    chart.ticks = [{"value": bottom + i * step, "text": _format(bottom + i * step)} for i in range(n + 1)]
    for tick in chart.ticks:
        tick["x"] = round(chart.left + (tick["value"] - bottom) / span * (WIDTH - chart.left - chart.right), 1)
        tick["y"] = round(TOP + (1 - (tick["value"] - bottom) / span) * (LINE_HEIGHT - TOP - BOTTOM), 1)
    return chart


def _bars(chart: Chart, points: list[dict[str, Any]], bottom: float, span: float) -> None:
    """Horizontal bars, each under its label: long colonia names stay readable on a phone."""
    plot = WIDTH - chart.left - chart.right
    zero = chart.left + (0 - bottom) / span * plot
    for i, p in enumerate(points):
        y = TOP + i * ROW
        value = p["value"] or 0
        end = chart.left + (value - bottom) / span * plot
        p.update(x=round(min(zero, end), 1), y=round(y + 16, 1), w=round(abs(end - zero), 1), h=16,
                 label_y=round(y + 12, 1), text_x=round(max(zero, end) + 4, 1))
    chart.points = points
    chart.height = TOP + len(points) * ROW + 24


def _line(chart: Chart, points: list[dict[str, Any]], bottom: float, span: float) -> None:
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = LINE_HEIGHT - TOP - BOTTOM
    n = max(len(points) - 1, 1)
    every = max(1, math.ceil(len(points) / 8))  # at most about 8 labels on the axis
    segments: list[str] = []
    for i, p in enumerate(points):
        x = LEFT + i / n * plot_w
        p.update(x=round(x, 1), show_label=(i % every == 0))
        if p["value"] is None:
            p["y"] = None
            continue
        y = TOP + (1 - (p["value"] - bottom) / span) * plot_h
        p["y"] = round(y, 1)
        segments.append(("M" if not segments or points[i - 1].get("y") is None else "L") + f"{x:.1f},{y:.1f}")
    chart.points = points
    chart.path = " ".join(segments)
    chart.height = LINE_HEIGHT
