"""KML files read into the GeoJSON shape that :mod:`.geo` draws: Placemarks with their names and
Point, LineString, Polygon (outer and inner rings) and MultiGeometry geometries.

Read safely: files over :data:`geo.MAX_BYTES` are refused before parsing, and a file that
declares a DOCTYPE or entities is refused (no entity is ever expanded, so no "billion
laughs" and no external file is read). ``defusedxml`` is not installed here; the standard
library's expat parser (with a TreeBuilder) is used with its DOCTYPE and entity handlers set
to refuse.
KMZ (zipped KML), styles, overlays and ``gx:`` extensions are not read.
"""
from __future__ import annotations

import os
from typing import Any, NoReturn
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from .geo import MAX_BYTES, GeoError

__all__ = ["parse", "read_file"]

GEOMETRIES = ("Point", "LineString", "LinearRing", "Polygon", "MultiGeometry")


class _RefusedError(Exception):
    pass


def _refuse(*_args: Any) -> NoReturn:
    raise _RefusedError


def _local(tag: Any) -> str:
    """The name without its namespace prefix (``gx:Track`` → ``Track``)."""
    return tag.rsplit(":", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Element, name: str) -> Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _coordinates(element: Element | None) -> list[list[float]]:
    """``lon,lat[,alt]`` tuples separated by white space."""
    node = None if element is None else _child(element, "coordinates")
    if node is None or not (node.text or "").strip():
        raise GeoError("El archivo KML tiene una geometría sin coordenadas.")
    points = []
    for chunk in node.text.split():  # type: ignore[union-attr]
        try:
            points.append([float(v) for v in chunk.split(",")[:2]])
        except ValueError as exc:
            raise GeoError("El archivo tiene coordenadas que no son números.") from exc
    return points


def _geometry(element: Element) -> dict[str, Any] | None:
    kind = _local(element.tag)
    if kind == "Point":
        return {"type": "Point", "coordinates": _coordinates(element)[0]}
    if kind in ("LineString", "LinearRing"):
        return {"type": "LineString", "coordinates": _coordinates(element)}
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": _rings(element)}
    if kind == "MultiGeometry":
        inner = [g for g in (_geometry(c) for c in element) if g is not None]
        return {"type": "GeometryCollection", "geometries": inner}
    return None


def _rings(polygon: Element) -> list[list[list[float]]]:
    rings = []
    for boundary in polygon:
        if _local(boundary.tag) in ("outerBoundaryIs", "innerBoundaryIs"):
            rings.append(_coordinates(_child(boundary, "LinearRing")))
    if not rings:
        raise GeoError("El archivo KML tiene un polígono sin contorno.")
    return rings


def _features(root: Element) -> list[dict[str, Any]]:
    features = []
    for placemark in root.iter():
        if _local(placemark.tag) != "Placemark":
            continue
        name = _child(placemark, "name")
        geometry = next((g for g in (_geometry(c) for c in placemark if _local(c.tag) in GEOMETRIES)
                         if g is not None), None)
        if geometry is not None:
            features.append({"type": "Feature", "geometry": geometry,
                             "properties": {"name": (name.text or "").strip() if name is not None else ""}})
    return features


def parse(data: bytes) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the KML document ``data``; GeoError (Spanish) otherwise."""
    builder = TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        parser.Parse(data, True)
        root = builder.close()
    except _RefusedError as exc:
        raise GeoError("El archivo KML declara un DOCTYPE o entidades, que no se aceptan por seguridad.") from exc
    except (expat.ExpatError, AssertionError) as exc:  # AssertionError: TreeBuilder closed on an open element
        raise GeoError("El archivo no es un KML válido.") from exc
    if _local(root.tag) != "kml":
        raise GeoError("El archivo no es un KML válido.")
    return {"type": "FeatureCollection", "features": _features(root)}


def read_file(path: str) -> dict[str, Any]:
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise GeoError("El archivo es demasiado grande para dibujarlo (más de 5 MB).")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise GeoError("El archivo no es un KML válido.") from exc
    return parse(data)
