"""Precision and recall of each detector on generated synthetic values."""
from __future__ import annotations

import random

import pytest

from ckanext.sach.privacy import detectors as d

from . import synthetic as s

pytestmark = pytest.mark.unit

N = 400


def _precision_table(rng: random.Random) -> dict[str, dict[str, int]]:
    """Run every detector over positives of every kind, near-misses and clean values."""
    table = {k: {"tp": 0, "fp": 0, "fn": 0} for k in s.GENERATORS}
    samples: list[tuple[str, str | None]] = []
    for kind, gen in s.GENERATORS.items():
        samples += [(gen(rng), kind) for _ in range(N)]
    for _ in range(N // 4):
        samples += [(v, None) for v in s.near_misses(rng)]
        samples += [(s.clean_value(rng), None) for _ in range(4)]
    for value, truth in samples:
        found = set(d.find_in_text(value))
        for kind, counts in table.items():
            if kind in found and kind == truth:
                counts["tp"] += 1
            elif kind in found:
                counts["fp"] += 1
            elif kind == truth:
                counts["fn"] += 1
    return table


@pytest.mark.parametrize("kind", sorted(s.GENERATORS))
def test_precision_and_recall_per_detector(kind):
    row = _precision_table(random.Random(20260507))[kind]
    precision = row["tp"] / (row["tp"] + row["fp"])
    recall = row["tp"] / (row["tp"] + row["fn"])
    assert precision >= 0.99, row
    assert recall == 1.0, row


def test_curp_check_digit_renapo_example():
    # RENAPO's published example CURP verifies; one changed character does not.
    assert d.is_curp("HEGG560427MVZRRL04")
    assert not d.is_curp("HEGG560427MVZRRL05")
    assert not d.is_curp("HEGG560427MXXRRL04")  # unknown state
    assert d.find_in_text("curp: hegg560427mvzrrl04.") == ["curp"]


@pytest.mark.parametrize("value", [
    "HEGG561327MVZRRL04",     # month 13
    "ABCDEFGHIJKLMNOPQR",     # 18 letters
    "SKU123456789012345",
    "HEGG560427MVZRRL04X",    # 19 characters
    "1HEGG560427MVZRRL04",
])
def test_18_character_strings_that_are_not_curps(value):
    assert "curp" not in d.find_in_text(value)


def test_eighteen_character_near_misses_are_not_curps():
    rng = random.Random(5)
    for _ in range(1000):
        assert "curp" not in d.find_in_text(s.not_curp_18(rng))


def test_rfc_persona_fisica_only():
    assert d.is_rfc_persona("GODE561231GR8")          # SAT's example
    assert not d.is_rfc_persona("GOD561231GR8")       # a company: 12 characters
    assert not d.is_rfc_persona("GODE561331GR8")      # month 13
    assert not d.is_rfc_persona("GODE560230GR8")      # 30 February
    assert d.is_rfc_persona("GODE000229GR8")          # 29 Feb 2000
    assert not d.is_rfc_persona("XAXX010101000")      # generic RFC
    assert d.find_in_text("RFC GODE561231GR8 y CURP") == ["rfc"]


def test_clave_de_elector():
    assert d.is_clave_elector("GMVLMR80070501M100")
    assert not d.is_clave_elector("GMVLMR80070533M100")  # state 33
    assert not d.is_clave_elector("GMVLMR80070500M100")  # state 00
    assert not d.is_clave_elector("GMVLMR80070501X100")  # sex X


@pytest.mark.parametrize("value", [
    "2221234567", "+52 222 123 4567", "+52 1 222 123 4567", "(222) 123-4567", "222.123.4567",
    "55 1234 5678", "(55) 1234-5678", "Tel. 222-123-4567 ext. 5", "52 222 123 4567",
])
def test_phones(value):
    assert d.find_in_text(value) == ["phone"]


@pytest.mark.parametrize("value", [
    "1,234,567,890.00", "2,345,678,901.00", "$2,345,678,901", "2345678901.57", "1234567890",
    "0222123456", "Folio 527593310692", "123456789012345", "2024-05-17", "19.0433,-98.2956",
    "ISBN 978-607-123-4567-8", "2222222222",
])
def test_numbers_that_are_not_phones(value):
    assert "phone" not in d.find_in_text(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("ana.lopez@gmail.com", ["email"]),
    ("Escriba a transparencia@sach.gob.mx.", ["email"]),
    ("logo@2x.png", []),
    ("usuario@localhost", []),
    ("a..b@correo.mx", []),
    ("@usuario en redes", []),
])
def test_emails(value, expected):
    assert d.find_in_text(value) == expected


@pytest.mark.parametrize(("name", "kind"), [
    ("nombre", "name"), ("Nombre completo", "name"), ("apellido_paterno", "name"),
    ("NombreBeneficiario", "name"), ("domicilio", "address"), ("Dirección", "address"),
    ("teléfono", "phone"), ("TELEFONO_CELULAR", "phone"), ("correo electrónico", "email"),
    ("e-mail", "email"), ("CURP", "identifier"), ("clave de elector", "identifier"),
    ("fecha_nacimiento", "birth"), ("sexo", "sensitive"),
])
def test_column_names_that_suggest_personal_data(name, kind):
    assert d.column_hint(name) == kind


@pytest.mark.parametrize("name", [
    "nombre_programa", "Nombre de la dependencia", "nombre del proyecto", "telefono_dependencia",
    "correo institucional", "monto", "fecha", "colonia", "municipio", "dirección del área", "",
])
def test_column_names_that_do_not(name):
    assert d.column_hint(name) is None


def test_money_and_identifier_columns():
    assert d.is_money_or_id_column("monto_pagado")
    assert d.is_money_or_id_column("Folio")
    assert not d.is_money_or_id_column("telefono")
    assert not d.is_money_or_id_column("número telefónico")  # a phone column wins


def test_prefilter_covers_every_positive():
    """The CSV scanner skips lines without a prefilter literal: none may hold a finding."""
    rng = random.Random(11)
    for kind, gen in s.GENERATORS.items():
        for _ in range(300):
            value = gen(rng)
            for variant in (value, value.lower()):
                for encoding in ("utf-8", "latin-1"):
                    flagged = variant.encode(encoding).translate(d.PREFILTER_TABLE)
                    assert any(lit in flagged for lit in d.PREFILTER_LITERALS), (kind, encoding)
    flagged = "MUÑO800101AB1".encode().translate(d.PREFILTER_TABLE)
    assert any(lit in flagged for lit in d.PREFILTER_LITERALS)
