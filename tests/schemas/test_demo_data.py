"""The demo data files (ckanext/sach/demo/*.yaml): read, checked, and a clear error naming the
file and the entry when they are wrong. What `ckan sach demo` loads from them is tested in
test_cli.py and by the DCAT tests, which run on the demo catalogue."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from ckanext.sach import demo, vocab
from ckanext.sach.microsite import demo as microsite_demo

pytestmark = pytest.mark.unit


def test_catalogue_file_gives_the_demo_datasets():
    specs = demo.catalogue()
    public = [s for s in specs if not s.private and s.state == "active"]
    assert len(public) == 46
    assert {s.name for s in specs if s.private} == {
        "arqueo-de-caja-interno-2024", "seguimiento-de-observaciones-2024", "inventario-de-refugios-temporales"}
    assert {s.name for s in specs if s.state == "draft"} == {
        "anteproyecto-de-presupuesto-2025", "censo-de-arbolado-borrador"}
    by_name = {s.name: s for s in specs}
    assert by_name["obra-publica-2023"].title == "Obra pública 2023"
    assert by_name["obra-publica-2023"].year == 2023
    juntas = [p["value"] for p in vocab.items("places") if p["kind"] == "junta_auxiliar"]
    assert by_name["obra-publica-2023"].places == ["21119", *juntas[:3]]
    tonantzintla = by_name["reportes-de-servicios-santa-maria-tonantzintla-2024"]
    assert tonantzintla.org == "junta-auxiliar-santa-maria-tonantzintla"
    assert tonantzintla.places == ["santa-maria-tonantzintla"]
    assert "Santa María Tonantzintla" in tonantzintla.title


def test_figures_are_the_same_on_every_run():
    first = [s.rows(random.Random(demo.SEED)) for s in demo.catalogue()[:5]]
    again = [s.rows(random.Random(demo.SEED)) for s in demo.catalogue()[:5]]
    assert first == again


def _write(tmp_path: Path, document) -> str:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return str(path)


def _dataset(**overrides):
    data = {"name": "prueba-{year}", "title": "Prueba {year}", "org": "tesoreria-municipal",
            "notes": "Notas.", "sector": "economia", "frequency": "R/P1Y",
            "columns": [["a", "texto", "A"]], "rows": "licencias"}
    data.update(overrides)
    return data


@pytest.mark.parametrize(("overrides", "message"), [
    ({"sector": "economía"}, "sector: 'economía' is not in the sectors vocabulary"),
    ({"rows": "inventado"}, "rows 'inventado' is not a generator of rows.py"),
    ({"plces": ["21119"]}, "unknown key(s) plces"),
    ({"title": None}, "missing title"),
    ({"columns": [["a", "texto"]]}, "columns must be a list of [name, type, description]"),
    ({"places": ["21119", "no-existe"]}, "places: 'no-existe' is not in the places vocabulary"),
    ({"notes": "En {ano}."}, "unknown placeholder 'ano'"),
])
def test_a_wrong_dataset_entry_is_named(tmp_path, overrides, message):
    path = _write(tmp_path, [{"for_each": {"year": [2024]}, "datasets": [_dataset(**overrides)]}])
    with pytest.raises(demo.DemoDataError) as error:
        demo.catalogue(path)
    assert str(error.value).startswith(f"{path}, dataset ")
    assert message in str(error.value)


def test_duplicate_names_and_bad_groups_are_named(tmp_path):
    path = _write(tmp_path, [{"for_each": {"year": [2024, 2024]}, "datasets": [_dataset()]}])
    with pytest.raises(demo.DemoDataError, match="used twice: prueba-2024"):
        demo.catalogue(path)
    path = _write(tmp_path, [{"for_each": {"years": [2024]}, "datasets": [_dataset()]}])
    with pytest.raises(demo.DemoDataError, match="group #1: for_each must be"):
        demo.catalogue(path)
    with pytest.raises(demo.DemoDataError, match="file not found"):
        demo.catalogue(str(tmp_path / "no-existe.yaml"))


def test_microsite_content_file():
    content = microsite_demo.content()
    assert [len(content[k]) for k in ("texts", "cards", "plan", "activities", "requests")] == [5, 5, 10, 6, 2]
    audiences = set(vocab.values("audiences"))
    assert all(set(card["audience"]) <= audiences for card in content["cards"])


def test_a_wrong_microsite_entry_is_named(tmp_path):
    content = microsite_demo.content()
    content["cards"][1]["audience"] = ["ciudadania", "turistas"]
    path = tmp_path / "microsite.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(demo.DemoDataError) as error:
        microsite_demo.content(str(path))
    assert str(error.value) == (f"{path}, cards 'ficha-temporada-lluvias': audience 'turistas' "
                                "not in vocab/audiences.yaml")
    del content["cards"][1]["audience"]
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(demo.DemoDataError, match="cards 'ficha-temporada-lluvias': missing audience"):
        microsite_demo.content(str(path))


def test_audiences_are_a_vocabulary():
    assert vocab.values("audiences") == [
        "ciudadania", "estudiantes", "emprendedores", "osc", "periodistas", "personas_mayores"]
    assert vocab.get("audiences", "osc")["label"] == {
        "es": "Organizaciones de la sociedad civil", "en": "Civil society organisations"}
