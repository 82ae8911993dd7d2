"""The vocabularies: data files, API, labels in es and en (DESIGN §4 facts)."""
from __future__ import annotations

import json

import pytest

from ckanext.sach import vocab


@pytest.mark.unit
def test_every_vocabulary_loads_with_spanish_and_english_labels():
    for name in vocab.names():
        items = vocab.items(name)
        assert items, name
        for item in items:
            assert item["label"]["es"] and item["label"]["en"], (name, item["value"])


@pytest.mark.unit
def test_frequencies_are_the_iso_8601_list_with_eu_uris():
    assert vocab.values("frequencies") == [
        "R/P1D", "R/P1W", "R/P2W", "R/P1M", "R/P2M", "R/P3M", "R/P4M", "R/P6M",
        "R/P1Y", "R/P2Y", "R/P5Y", "R/P10Y", "irregular", "tiempo-real",
    ]
    assert vocab.label("frequencies", "R/P2W", "es") == "Quincenal"
    assert vocab.label("frequencies", "R/P2W", "en") == "Every two weeks"
    for item in vocab.items("frequencies"):
        assert item["eu_uri"].startswith("http://publications.europa.eu/resource/authority/frequency/")


@pytest.mark.unit
def test_sectors_are_the_twelve_of_datos_gob_mx():
    labels = [i["label"]["es"] for i in vocab.items("sectors")]
    assert labels == [
        "Educación", "Economía", "Salud", "Seguridad y Justicia", "Infraestructura",
        "Finanzas y Contrataciones", "Geoespacial", "Energía y Medio Ambiente",
        "Cultura y Turismo", "Desarrollo Sostenible", "Gobiernos Locales", "Otros",
    ]
    assert vocab.get("sectors", "educacion")["eu_theme_uri"].endswith("/data-theme/EDUC")


@pytest.mark.unit
def test_places_are_the_municipality_six_juntas_and_four_inspectorias():
    kinds = [p["kind"] for p in vocab.items("places")]
    assert kinds.count("municipio") == 1
    assert kinds.count("junta_auxiliar") == 6
    assert kinds.count("inspectoria") == 4
    municipio = vocab.get("places", "21119")
    assert municipio["inegi_key"] == "21119"
    assert vocab.label("places", "santa-maria-tonantzintla") == "Santa María Tonantzintla"
    # INEGI keys only where they exist
    assert all("inegi_key" not in p for p in vocab.items("places") if p["kind"] != "municipio")


@pytest.mark.unit
def test_obligations_are_versioned_with_2025_marked_provisional():
    art70 = [o for o in vocab.items("obligations")
             if o["version"] == "lgtaip-2015" and o["article"] == "70"]
    assert len(art70) == 48
    assert "presupuesto" in vocab.get("obligations", "lgtaip-2015:70-XXI")["label"]["es"]
    assert "útil o relevante" in vocab.get("obligations", "lgtaip-2015:70-XLVIII")["label"]["es"]
    assert "cabildo" in vocab.get("obligations", "lgtaip-2015:71-II-b")["label"]["es"]
    assert "gacetas municipales" in vocab.get("obligations", "lgtaip-2015:71-II-a")["label"]["es"]
    new = [o for o in vocab.items("obligations") if o["version"] == "lgtaip-2025"]
    assert new and all(o["provisional"] for o in new)
    assert all(not o["provisional"] for o in vocab.items("obligations") if o["version"] == "lgtaip-2015")
    assert vocab.get("obligation_versions", "lgtaip-2025")["provisional"] is True


@pytest.mark.unit
def test_dependencias_default_to_the_design_names():
    titles = {d["label"]["es"] for d in vocab.items("dependencias")}
    for name in ("Presidencia Municipal", "Secretaría del Ayuntamiento", "Tesorería Municipal",
                 "Contraloría Municipal", "Secretaría de Arte, Cultura y Turismo",
                 "Secretaría de Desarrollo Económico y Sector Agropecuario",
                 "Dirección de Protección Civil", "Sistema Municipal DIF",
                 "Coordinación General de Transparencia"):
        assert name in titles
    assert {d["org_type"] for d in vocab.items("dependencias")} <= set(vocab.values("org_types"))


@pytest.mark.unit
def test_languages_spanish_nahuatl_english():
    assert vocab.values("languages") == ["es", "nah", "en"]
    assert vocab.label("languages", "nah", "es") == "Náhuatl"


@pytest.mark.unit
def test_licence_list_is_ckan_format_with_libre_uso_mx_first():
    with open(vocab.licenses_file(), encoding="utf-8") as f:
        licences = json.load(f)
    assert licences[0]["id"] == "libre-uso-mx"
    assert licences[0]["title"] == "Términos de Libre Uso MX"
    assert licences[0]["url"] == "https://datos.gob.mx/libreusomx/"
    assert {"cc-by-4.0", "cc-zero", "odc-odbl"} <= {lic["id"] for lic in licences}


@pytest.mark.unit
def test_unknown_value_label_is_the_value_and_get_is_none():
    assert vocab.get("sectors", "no-existe") is None
    assert vocab.label("sectors", "no-existe") == "no-existe"


def test_configured_dependencias_file_replaces_the_default(tmp_path, ckan_config, monkeypatch):
    path = tmp_path / "deps.yaml"
    path.write_text("- value: obras-publicas\n  org_type: dependencia\n"
                    "  label: {es: Secretaría de Obras Públicas, en: Public Works}\n", encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.sach.seed.dependencias_file", str(path))
    assert vocab.values("dependencias") == ["obras-publicas"]


def test_a_broken_vocabulary_file_names_itself(tmp_path, ckan_config, monkeypatch):
    path = tmp_path / "deps.yaml"
    path.write_text("- value: sin-etiqueta\n", encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.sach.seed.dependencias_file", str(path))
    with pytest.raises(vocab.VocabularyError, match="dependencias"):
        vocab.items("dependencias")
