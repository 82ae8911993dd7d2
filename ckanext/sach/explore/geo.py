"""The shapes of a GeoJSON file as SVG paths, drawn on the server without a base map.

The site works offline and its CSP allows scripts from the site only: no tile server is
reachable and no map library is loaded. Coordinates (WGS 84 longitude/latitude) are
projected equirectangularly with the x scale corrected by the cosine of the middle
latitude, which is faithful at the scale of a municipality.
"""
from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_BYTES", "MAX_POINTS", "GeoError", "Shapes", "read_file", "shapes"]

MAX_BYTES = 5 * 1024 * 1024
MAX_POINTS = 50_000
SIZE = 360          # viewBox width; the height follows the shapes' proportions
PAD = 8
NAME_KEYS = ("nombre", "name", "NOMBRE", "Nombre", "NAME", "colonia", "localidad", "titulo", "title")


class GeoError(ValueError):
    """The file cannot be drawn; the message says why, in Spanish."""


@dataclass
class Shapes:
    width: int = SIZE
    height: int = SIZE
    areas: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    features: list[dict[str, str]] = field(default_factory=list)
    count: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    bbox: tuple[float, float, float, float] = (0, 0, 0, 0)


def read_file(path: str) -> Any:
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise GeoError("El archivo es demasiado grande para dibujarlo (más de 5 MB).")
        with open(path, "rb") as f:
            return json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoError("El archivo no es un GeoJSON válido.") from exc


def _geometries(data: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(geometry, properties) of every feature, whatever the container."""
    if not isinstance(data, dict):
        return
    kind = data.get("type")
    if kind == "FeatureCollection":
        for feature in data.get("features") or []:
            yield from _geometries(feature)
    elif kind == "Feature":
        if isinstance(data.get("geometry"), dict):
            yield data["geometry"], data.get("properties") or {}
    elif kind == "GeometryCollection":
        for geometry in data.get("geometries") or []:
            yield from _geometries(geometry)
    elif kind:
        yield data, {}


def _parts(geometry: dict[str, Any]) -> Iterator[tuple[str, list[list[Any]]]]:
    """('area'|'line'|'point', rings or lines or [point]) of one geometry."""
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "GeometryCollection":
        for inner in geometry.get("geometries") or []:
            yield from _parts(inner)
    elif not isinstance(coords, list):
        return
    elif kind == "Point":
        yield "point", [coords]
    elif kind == "MultiPoint":
        yield "point", coords
    elif kind == "LineString":
        yield "line", [coords]
    elif kind == "MultiLineString":
        yield "line", coords
    elif kind == "Polygon":
        yield "area", coords
    elif kind == "MultiPolygon":
        for polygon in coords:
            yield "area", polygon


def _lonlat(point: Any) -> tuple[float, float]:
    try:
        lon, lat = float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise GeoError("El archivo tiene coordenadas que no son números.") from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon) or math.isnan(lat):
        raise GeoError("Las coordenadas no son longitud y latitud (WGS 84), como pide GeoJSON.")
    return lon, lat


def _name(properties: dict[str, Any], index: int) -> str:
    for key in NAME_KEYS:
        if properties.get(key) not in (None, ""):
            return str(properties[key])
    return f"#{index}"


def shapes(data: Any) -> Shapes:
    collected: list[tuple[str, list[list[tuple[float, float]]]]] = []
    out = Shapes()
    total = 0
    for index, (geometry, properties) in enumerate(_geometries(data), start=1):
        out.count += 1
        kind = str(geometry.get("type"))
        out.kinds[kind] = out.kinds.get(kind, 0) + 1
        if len(out.features) < 200:
            out.features.append({"name": _name(properties, index), "kind": kind})
        for part, pieces in _parts(geometry):
            converted = [[_lonlat(p) for p in (piece if part != "point" else [piece])] for piece in pieces]
            total += sum(len(c) for c in converted)
            if total > MAX_POINTS:
                raise GeoError("El archivo tiene demasiados vértices para dibujarlo en la página.")
            collected.append((part, converted))
    all_points = [p for _, pieces in collected for piece in pieces for p in piece]
    if not all_points:
        raise GeoError("El archivo no tiene geometrías que dibujar.")
    lons = [p[0] for p in all_points]
    lats = [p[1] for p in all_points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    out.bbox = (west, south, east, north)
    kx = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * kx, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (SIZE - 2 * PAD) / max(span_x, span_y)
    out.width = SIZE
    out.height = round(min(SIZE * 1.5, span_y * scale + 2 * PAD)) if span_y > 1e-9 else SIZE // 2

    def xy(p: tuple[float, float]) -> tuple[float, float]:
        return (round(PAD + (p[0] - west) * kx * scale, 2), round(PAD + (north - p[1]) * scale, 2))

    for part, pieces in collected:
        if part == "point":
            out.points.extend(xy(piece[0]) for piece in pieces)
            continue
        d = " ".join("M" + " L".join(f"{x},{y}" for x, y in map(xy, piece)) + (" Z" if part == "area" else "")
                     for piece in pieces if piece)
        (out.areas if part == "area" else out.lines).append(d)
    return out
