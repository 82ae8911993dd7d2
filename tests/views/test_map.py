"""The map view: an uploaded GeoJSON file is drawn as SVG shapes without a base map (the site
is offline), with a text alternative and the list of its features; bad files get a Spanish note."""
from __future__ import annotations

import io
import json
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins")

GEOJSON = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"colonia": "Tonantzintla"},
     "geometry": {"type": "Polygon", "coordinates": [[[-98.31, 19.05], [-98.29, 19.05], [-98.29, 19.07],
                                                      [-98.31, 19.07], [-98.31, 19.05]]]}},
    {"type": "Feature", "properties": {"titulo": "Camino"},
     "geometry": {"type": "LineString", "coordinates": [[-98.31, 19.05], [-98.28, 19.08]]}},
    {"type": "Feature", "properties": {},
     "geometry": {"type": "Point", "coordinates": [-98.30, 19.06]}},
]}


def _upload(tables: dict[str, Any], body: bytes, name: str = "colonias.geojson") -> dict[str, Any]:
    return call_action("resource_create", context={"user": tables["sysadmin"]["name"]},
                       package_id=tables["plain"]["id"], name="Colonias", format="GeoJSON", url="",
                       upload=FileStorage(stream=io.BytesIO(body), filename=name,
                                          content_type="application/geo+json"))


def _page(app: Any, tables: dict[str, Any], res: dict[str, Any]) -> str:
    return app.get(f"/dataset/{tables['plain']['name']}/resource/{res['id']}").body


def test_uploaded_geojson_gets_a_map(app: Any, tables: dict[str, Any], ckan_config: Any, tmp_path: Any,
                                     monkeypatch: Any) -> None:
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    res = _upload(tables, json.dumps(GEOJSON).encode())
    views = call_action("resource_view_list", id=res["id"])
    assert [v["view_type"] for v in views] == ["sach_map"]
    body = _page(app, tables, res)
    assert '<svg class="sach-map-svg"' in body and 'role="img"' in body
    assert body.count('class="sach-map-area"') == 1 and body.count('class="sach-map-line"') == 1
    assert body.count('class="sach-map-point"') == 1
    assert "3 elementos geográficos, entre las longitudes -98.3100 y -98.2800" in body
    assert "Sin mapa de fondo" in body
    assert "<li>Tonantzintla <span" in body and "<li>Camino <span" in body and "<li>#3 <span" in body


@pytest.mark.parametrize(("body", "message"), [
    (json.dumps({"type": "Point", "coordinates": [500000, 2100000]}).encode(),
     "Las coordenadas no son longitud y latitud (WGS 84), como pide GeoJSON."),
    (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "El archivo no tiene geometrías que dibujar."),
])
def test_bad_files_explained(app: Any, tables: dict[str, Any], ckan_config: Any, tmp_path: Any, monkeypatch: Any,
                             body: bytes, message: str) -> None:
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    res = _upload(tables, body)
    page = app.get(f"/dataset/{tables['plain']['name']}/resource/{res['id']}")
    assert page.status_code == 200
    assert message in page.body


def test_linked_geojson_gets_no_map(tables: dict[str, Any]) -> None:
    res = call_action("resource_create", context={"user": tables["sysadmin"]["name"]},
                      package_id=tables["plain"]["id"], name="Enlace", format="GeoJSON",
                      url="https://sach.gob.mx/datos/colonias.geojson")
    assert call_action("resource_view_list", id=res["id"]) == []


def test_unreadable_file_is_refused_in_spanish(tmp_path: Any) -> None:
    """(The upload guard already holds back files it cannot read; the view does not rely on it.)"""
    from ckanext.sach.explore import geo

    path = tmp_path / "roto.geojson"
    path.write_bytes(b'{"type": "FeatureCollection", ')
    with pytest.raises(geo.GeoError, match=r"El archivo no es un GeoJSON válido\."):
        geo.read_file(str(path))


KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Obras</name><Folder>
  <Placemark><name>Parque Tonantzintla</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
    -98.31,19.05,0 -98.29,19.05,0 -98.29,19.07,0 -98.31,19.07,0 -98.31,19.05,0
  </coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
  <Placemark><name>Calle 5 de Mayo</name><LineString><coordinates>-98.31,19.05 -98.28,19.08</coordinates>
  </LineString></Placemark>
  <Placemark><name>Pozos</name><MultiGeometry><Point><coordinates>-98.30,19.06</coordinates></Point>
    <Point><coordinates>-98.295,19.065</coordinates></Point></MultiGeometry></Placemark>
</Folder></Document></kml>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&d;</name>
<Point><coordinates>-98.3,19.06</coordinates></Point></Placemark></kml>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY secreto SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&secreto;</name>
<Point><coordinates>-98.3,19.06</coordinates></Point></Placemark></kml>"""


def _upload_kml(tables: dict[str, Any], body: bytes) -> dict[str, Any]:
    return call_action("resource_create", context={"user": tables["sysadmin"]["name"]},
                       package_id=tables["plain"]["id"], name="Obras", format="KML", url="",
                       upload=FileStorage(stream=io.BytesIO(body), filename="obras.kml",
                                          content_type="application/vnd.google-earth.kml+xml"))


def test_uploaded_kml_gets_a_map(app: Any, tables: dict[str, Any], ckan_config: Any, tmp_path: Any,
                                 monkeypatch: Any) -> None:
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    res = _upload_kml(tables, KML)
    assert [v["view_type"] for v in call_action("resource_view_list", id=res["id"])] == ["sach_map"]
    body = _page(app, tables, res)
    assert '<svg class="sach-map-svg"' in body
    assert body.count('class="sach-map-area"') == 1 and body.count('class="sach-map-line"') == 1
    assert body.count('class="sach-map-point"') == 2
    assert "3 elementos geográficos, entre las longitudes -98.3100 y -98.2800" in body
    assert "<li>Parque Tonantzintla <span" in body and "<li>Calle 5 de Mayo <span" in body
    assert "<li>Pozos <span" in body


@pytest.mark.parametrize(("body", "message"), [
    (BILLION_LAUGHS, "El archivo KML declara un DOCTYPE o entidades, que no se aceptan por seguridad."),
    (EXTERNAL, "El archivo KML declara un DOCTYPE o entidades, que no se aceptan por seguridad."),
    (b"<kml><Placemark><name>roto</name>", "El archivo no es un KML válido."),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "El archivo no es un KML válido."),
    (b"<kml><Placemark><Point><coordinates>norte,sur</coordinates></Point></Placemark></kml>",
     "El archivo tiene coordenadas que no son números."),
    (b"<kml><Document><name>Vacio</name></Document></kml>", "El archivo no tiene geometrías que dibujar."),
], ids=["billion-laughs", "external-entity", "truncated", "not-kml", "bad-coordinates", "no-placemarks"])
def test_bad_kml_explained(app: Any, tables: dict[str, Any], ckan_config: Any, tmp_path: Any, monkeypatch: Any,
                           body: bytes, message: str) -> None:
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    res = _upload_kml(tables, body)
    page = app.get(f"/dataset/{tables['plain']['name']}/resource/{res['id']}")
    assert page.status_code == 200
    assert message in page.body
    assert "root:" not in page.body


def test_oversized_kml_is_not_parsed(tmp_path: Any) -> None:
    from ckanext.sach.explore import geo, kml

    path = tmp_path / "grande.kml"
    path.write_bytes(b"<kml>" + b" " * (geo.MAX_BYTES + 1) + b"</kml>")
    with pytest.raises(geo.GeoError, match="demasiado grande"):
        kml.read_file(str(path))
