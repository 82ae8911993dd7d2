"""Synthetic personal data for tests and the benchmark.

Every identifier is generated with a seeded random generator: valid in form
(dates, state codes, the CURP check digit) but belonging to nobody. The
near-misses are values a careless detector would report.

The CURP check digit and the state codes come from python-stdnum
(``stdnum.mx.curp``), not from the scanner: the scanner's own algorithm is
what these tests check, so it must not also make their data.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import string
from typing import Any

from stdnum.mx import curp as stdnum_curp

LETTERS = string.ascii_uppercase
VOWELS = "AEIOU"
CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
# RENAPO's codes of the 32 states (NE, "born abroad", left out), as in stdnum.mx.curp.
_STATES = sorted(["AS", "BC", "BS", "CC", "CH", "CL", "CM", "CS", "DF", "DG", "GR", "GT", "HG", "JC", "MC", "MN",
                  "MS", "NL", "NT", "OC", "PL", "QR", "QT", "SL", "SP", "SR", "TC", "TL", "TS", "VZ", "YN", "ZS"])


def curp_check_digit(first17: str) -> str:
    """The CURP check digit by python-stdnum (an implementation independent of the scanner's)."""
    return stdnum_curp.calc_check_digit(first17)
FIRST_NAMES = ["María", "José", "Guadalupe", "Juan", "Ana", "Luis", "Rosa", "Carlos", "Citlali", "Xóchitl"]
SURNAMES = ["Hernández", "García", "Martínez", "López", "Pérez", "Flores", "Tecuanhuey", "Sánchez", "Cuautle"]


def _date(rng: random.Random) -> dt.date:
    return dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 80))


def curp(rng: random.Random) -> str:
    birth = _date(rng)
    head = (rng.choice(LETTERS) + rng.choice(VOWELS) + rng.choice(LETTERS) + rng.choice(LETTERS)
            + birth.strftime("%y%m%d") + rng.choice("HM") + rng.choice(_STATES)
            + "".join(rng.choice(CONSONANTS) for _ in range(3))
            + (rng.choice(string.digits) if birth.year < 2000 else rng.choice(LETTERS)))
    return head + curp_check_digit(head)


def rfc(rng: random.Random) -> str:
    return ("".join(rng.choice(LETTERS) for _ in range(4)) + _date(rng).strftime("%y%m%d")
            + "".join(rng.choice(LETTERS + "123456789") for _ in range(2))
            + rng.choice("0123456789A"))


def clave_elector(rng: random.Random) -> str:
    return ("".join(rng.choice(CONSONANTS) for _ in range(6)) + _date(rng).strftime("%y%m%d")
            + f"{rng.randint(1, 32):02d}" + rng.choice("HM") + f"{rng.randint(0, 999):03d}")


def email(rng: random.Random) -> str:
    user = rng.choice(["ana.lopez", "jperez", "maria_g", "c.cuautle", "xochitl+datos"]) + str(rng.randint(1, 999))
    return f"{user}@{rng.choice(['gmail.com', 'hotmail.com', 'correo.mx', 'yahoo.com.mx'])}"


def phone(rng: random.Random) -> str:
    area = rng.choice(["222", "221", "55", "33", "81", "238"])
    rest = "".join(rng.choice(string.digits) for _ in range(10 - len(area)))
    number = area + rest
    style = rng.randrange(6)
    if style == 0:
        return number
    if style == 1:
        return f"+52 {number}"
    if len(area) == 3:
        a, b, c = number[:3], number[3:6], number[6:]
        return [f"({a}) {b}-{c}", f"{a} {b} {c}", f"{a}-{b}-{c}", f"+52 1 {a} {b} {c}"][style - 2]
    a, b, c = number[:2], number[2:6], number[6:]
    return [f"({a}) {b}-{c}", f"{a} {b} {c}", f"{a}-{b}-{c}", f"+52 {a} {b} {c}"][style - 2]


GENERATORS = {"curp": curp, "rfc": rfc, "clave_elector": clave_elector, "email": email, "phone": phone}


def not_curp_18(rng: random.Random) -> str:
    """18 characters that look like a CURP and are not one."""
    value = curp(rng)
    kind = rng.randrange(5)
    if kind == 0:  # wrong check digit
        return value[:17] + str((int(value[17]) + rng.randint(1, 9)) % 10)
    if kind == 1:  # impossible date (month 13)
        return value[:6] + "13" + value[8:17] + curp_check_digit(value[:6] + "13" + value[8:17])
    if kind == 2:  # unknown state code
        bad = value[:11] + "XX" + value[13:17]
        return bad + curp_check_digit(bad)
    if kind == 3:  # a product code
        return "SKU" + "".join(rng.choice(string.digits) for _ in range(15))
    return "".join(rng.choice(LETTERS + string.digits) for _ in range(18))


def near_misses(rng: random.Random) -> list[str]:
    """Values none of the detectors should report."""
    amount = rng.randint(2_000_000_000, 9_999_999_999)
    return [
        not_curp_18(rng),
        f"{amount:,}.00",                  # 2,345,678,901.00
        f"${amount:,}",                     # $2,345,678,901
        f"{amount}.{rng.randint(10, 99)}",  # 2345678901.57
        f"{rng.randint(1000000000, 1999999999)}",  # 10 digits starting with 1: not a phone
        "ABC" + dt.date(1990, 5, 17).strftime("%y%m%d") + "XY1",  # RFC of a company (12 chars)
        "GOMA" + "991332" + "AB1",             # RFC-shaped with an impossible date
        "XAXX010101000",                       # SAT generic RFC
        "ABCDEF" + "901340" + "21H123",        # elector-shaped, month 13
        "ABCDEF" + "900101" + "45H123",        # elector-shaped, state 45
        "logo@2x.png",                         # file name, not an address
        "correo en mantenimiento @ sitio",
        f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"Folio {rng.randint(10**11, 10**12 - 1)}",  # 12 digits
        "19.0433,-98.2956",                    # coordinates
    ]


def clean_value(rng: random.Random) -> str:
    return rng.choice([
        "Obra de pavimentación", "Parque Central", str(rng.randint(1, 100000)),
        f"{rng.randint(1, 999999)}.{rng.randint(0, 99):02d}", "San Rafael Comac",
        dt.date(2024, rng.randint(1, 12), rng.randint(1, 28)).isoformat(), "Sí", "No",
    ])


def csv_bytes(rows: list[list[Any]], header: list[str], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def people_rows(rng: random.Random, n: int) -> tuple[list[str], list[list[str]]]:
    """A table with one identifier of each kind per row and known positions."""
    header = ["id", "nombre_completo", "curp", "rfc", "clave_elector", "correo", "telefono", "monto"]
    rows = []
    for i in range(n):
        rows.append([
            str(i + 1), f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}", curp(rng), rfc(rng),
            clave_elector(rng), email(rng), phone(rng), f"{rng.randint(2_000_000_000, 9_999_999_999)}",
        ])
    return header, rows


def geojson_bytes(features: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-98.2956, 19.0433]},
         "properties": props} for props in features]}, ensure_ascii=False).encode("utf-8")
