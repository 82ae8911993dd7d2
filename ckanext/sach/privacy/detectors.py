"""Detectors of Mexican personal data in text.

Pure functions and compiled patterns, no CKAN imports. The detectors never
return the values they find: callers only get the detector name and a position
inside the text they passed, so that nothing personal reaches logs, the
database or pages.

Detectors (names are stable, they are stored with the findings):

``curp``
    Clave Única de Registro de Población: 4 letters, birth date (YYMMDD), sex
    (H/M), state of birth (RENAPO two-letter code or NE), 3 internal consonants,
    homoclave and the RENAPO check digit, which must verify.
``rfc``
    RFC of a *persona física* (13 characters: 4 letters, a valid date, a
    3-character homoclave). RFC of companies (12 characters) are not personal
    data and are not reported, nor the SAT's generic RFCs.
``clave_elector``
    Clave de elector of the INE credential: 6 letters, birth date (YYMMDD),
    state 01–32, sex H/M, 3 digits.
``email``
    E-mail address with a dotted domain and an alphabetic top-level domain
    (``foto@2x.png`` style file names are not addresses).
``phone``
    Mexican phone number: 10 digits (first digit 2–9), optionally prefixed by
    ``+52`` (and the old mobile ``1``), written together, in groups 3-3-4 or
    2-4-4 separated by spaces, dots or hyphens, or with the area code in
    parentheses. Numbers that continue as decimals or thousands
    (``1,234,567,890.00``) are not phones; a bare 10-digit number in a column
    whose name says money or identifier (``monto``, ``folio``…) is not either.
``column_name``
    A column name that suggests personal data (nombre, domicilio, teléfono,
    correo, CURP…), unless it qualifies an institution or a thing
    (``nombre_programa``, ``telefono_dependencia``).
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterator

__all__ = [
    "DETECTORS",
    "column_hint",
    "curp_check_digit",
    "find_in_text",
    "is_clave_elector",
    "is_curp",
    "is_money_or_id_column",
    "is_phone",
    "is_phone_column",
    "is_rfc_persona",
]

DETECTORS = ("curp", "rfc", "clave_elector", "email", "phone", "column_name")

# --- CURP -----------------------------------------------------------------
_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
_CURP_VALUE = {ch: i for i, ch in enumerate(_CURP_ALPHABET)}
CURP_STATES = frozenset(
    ["AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN", "MS", "NT",
     "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS", "NE"]
)
_CURP_RE = re.compile(
    r"[A-ZÑ][AEIOUX][A-ZÑ]{2}\d{6}[HM][A-Z]{2}[B-DF-HJ-NP-TV-ZÑ]{3}[0-9A-Z]\d"
)


def curp_check_digit(first17: str) -> str:
    """RENAPO check digit of the first 17 characters of a CURP ("" when a character is not of
    RENAPO's alphabet: such a value has no check digit, so it is not a CURP)."""
    total = 0
    for i, ch in enumerate(first17):
        if ch not in _CURP_VALUE:
            return ""
        total += _CURP_VALUE[ch] * (18 - i)
    return str((10 - total % 10) % 10)


def _valid_yymmdd(digits: str) -> bool:
    """A YYMMDD date valid in the 1900s or in the 2000s."""
    yy, mm, dd = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if not (1 <= mm <= 12 and 1 <= dd <= 31):
        return False
    for century in (1900, 2000):
        try:
            _dt.date(century + yy, mm, dd)
        except ValueError:
            continue
        return True
    return False


def is_curp(value: str) -> bool:
    value = value.upper()
    if len(value) != 18 or not _CURP_RE.fullmatch(value):
        return False
    if value[11:13] not in CURP_STATES or not _valid_yymmdd(value[4:10]):
        return False
    return curp_check_digit(value[:17]) == value[17]


# --- RFC persona física ---------------------------------------------------
_RFC_RE = re.compile(r"[A-ZÑ&]{4}\d{6}[A-Z1-9][A-Z1-9][0-9A]")
_GENERIC_RFC = frozenset({"XAXX010101000", "XEXX010101000"})


def is_rfc_persona(value: str) -> bool:
    value = value.upper()
    if len(value) != 13 or value in _GENERIC_RFC or not _RFC_RE.fullmatch(value):
        return False
    return _valid_yymmdd(value[4:10])


# --- Clave de elector -----------------------------------------------------
_ELECTOR_RE = re.compile(r"[A-Z]{6}\d{6}\d{2}[HM]\d{3}")


def is_clave_elector(value: str) -> bool:
    value = value.upper()
    if len(value) != 18 or not _ELECTOR_RE.fullmatch(value):
        return False
    if not 1 <= int(value[12:14]) <= 32:
        return False
    return _valid_yymmdd(value[6:12])


# --- Phones ---------------------------------------------------------------
_PHONE_DIGITS_RE = re.compile(r"\d")


def is_phone(value: str) -> bool:
    """Whether a phone-shaped string has the digits of a Mexican number."""
    if value.count("(") != value.count(")"):
        return False
    digits = "".join(_PHONE_DIGITS_RE.findall(value))
    if len(digits) > 10 and (value.lstrip().startswith("+") or len(digits) in (12, 13)):
        if digits.startswith("521") and len(digits) == 13:
            digits = digits[3:]
        elif digits.startswith("52") and len(digits) == 12:
            digits = digits[2:]
    if len(digits) != 10 or digits[0] in "01":
        return False
    return len(set(digits)) > 1


# --- Column names ---------------------------------------------------------
def _tokens(name: str) -> list[str]:
    name = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch)).lower()
    return [t for t in re.split(r"[^a-z0-9]+", name) if t]


# kind -> (whole tokens, substrings of a token)
_HINTS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "name": (frozenset({"nombre", "nombres", "apellido", "apellidos", "paterno", "materno"}),
             ("apellido", "nombrecompleto")),
    "address": (frozenset({"domicilio", "direccion", "domicilios"}), ("domicilio",)),
    "phone": (frozenset({"tel", "telefono", "telefonos", "celular", "movil", "whatsapp", "cel"}),
              ("telefon", "celular")),
    "email": (frozenset({"correo", "email", "mail", "correos", "emails"}),
              ("correoelectronico", "email")),
    "identifier": (frozenset({"curp", "rfc", "elector", "ine", "ife", "nss", "pasaporte"}),
                   ("curp", "claveelector")),
    "birth": (frozenset({"nacimiento", "edad"}), ("nacimiento",)),
    "sensitive": (frozenset({"sexo", "genero", "firma", "religion", "discapacidad",
                             "estadocivil"}), ()),
}
# Words that make the column describe an institution or a thing, not a person.
_ENTITY_TOKENS = frozenset(
    ["dependencia", "dependencias", "programa", "programas", "proyecto", "proyectos", "obra", "obras", "empresa",
     "empresas", "razon", "social", "institucion", "instituciones", "escuela", "escuelas", "plantel", "unidad",
     "area", "oficina", "oficinas", "municipio", "municipios", "localidad", "localidades", "colonia", "colonias",
     "calle", "calles", "junta", "juntas", "inspectoria", "establecimiento", "establecimientos", "comercial",
     "comercio", "negocio", "archivo", "documento", "indicador", "indicadores", "evento", "eventos", "curso",
     "cursos", "actividad", "tramite", "tramites", "servicio", "servicios", "partido", "organizacion", "asociacion",
     "sector", "tema", "conjunto", "recurso", "fuente", "giro", "producto", "productos", "cargo", "puesto", "lugar",
     "sede", "parque", "mercado", "hospital", "centro", "edificio", "inmueble", "predio", "vialidad", "ruta",
     "institucional", "oficial", "dependencia_responsable", "responsable_area", "banco", "proveedor_moral", "moral",
     "titularidad"]
)
_MONEY_OR_ID_TOKENS = frozenset(
    ["monto", "montos", "importe", "importes", "total", "totales", "subtotal", "precio", "precios", "costo",
     "costos", "presupuesto", "presupuestal", "pago", "pagos", "saldo", "iva", "cantidad", "valor", "ingreso",
     "ingresos", "egreso", "egresos", "gasto", "gastos", "ejercido", "aprobado", "modificado", "devengado", "pagado",
     "recaudado", "asignado", "sueldo", "salario", "remuneracion", "pesos", "mxn", "folio", "id", "clave", "numero",
     "num", "no", "contrato", "cuenta", "partida", "codigo", "referencia", "expediente", "superficie", "poblacion",
     "habitantes"]
)


def column_hint(name: str) -> str | None:
    """The kind of personal data a column name suggests, or None."""
    tokens = _tokens(name or "")
    if not tokens or any(t in _ENTITY_TOKENS for t in tokens):
        return None
    joined = "".join(tokens)
    for kind, (words, parts) in _HINTS.items():
        if any(t in words for t in tokens) or any(p in joined for p in parts):
            return kind
    return None


def is_phone_column(name: str | None) -> bool:
    return column_hint(name or "") == "phone"


def is_money_or_id_column(name: str | None) -> bool:
    if is_phone_column(name):
        return False
    return any(t in _MONEY_OR_ID_TOKENS for t in _tokens(name or ""))


# --- Patterns run over whole blocks of (upper-cased) text ------------------
# One pattern finds candidates for CURP, RFC and clave de elector; Python
# then classifies them by shape. Boundaries are anything that is not a
# letter or digit, so the cell and row separators of the scanner work too.
IDENT_RE = re.compile(r"(?<![A-Z0-9Ñ&])[A-ZÑ&]{4,6}\d{6}[A-Z0-9Ñ]{3,8}(?![A-Z0-9Ñ])")
EMAIL_AT_RE = re.compile(
    r"@[A-Z0-9](?:[A-Z0-9-]{0,62}[A-Z0-9])?"  # the domain's first label
    r"(?:\.[A-Z0-9](?:[A-Z0-9-]{0,62}[A-Z0-9])?)*"  # more labels
    r"\.([A-Z]{2,24})(?![A-Z0-9.-]*[A-Z0-9])"  # the top-level domain, ending the address
)
EMAIL_LOCAL_RE = re.compile(r"[A-Z0-9._%+'-]{1,64}$")
_NOT_TLDS = frozenset({"PNG", "JPG", "JPEG", "GIF", "SVG", "WEBP", "BMP", "TIF", "TIFF", "PDF"})
PHONE_RE = re.compile(
    r"(?<![\w.,+\-/])"
    r"(?:(?:\+52[ .\-]?|52[ .\-])(?:1[ .\-]?)?)?"
    r"(?:\d{10}"
    r"|\(?\d{3}\)?[ .\-]?\d{3}[ .\-]\d{4}"
    r"|\(?\d{2}\)?[ .\-]?\d{4}[ .\-]\d{4}"
    r"|\(\d{3}\) ?\d{7}|\(\d{2}\) ?\d{8})"
    r"(?![\w/]|[.,]\d)"
)

# Byte-level prefilter used by the CSV scanner. After PREFILTER_TABLE maps
# ASCII digits to ``0`` and letters (and the bytes of Ñ/ñ in UTF-8 and
# Latin-1, and ``&``) to ``a``, every text the patterns above can match
# contains one of these literals; lines without any are skipped unparsed.
# Keep the two in step when a pattern changes (tests check it).
PREFILTER_TABLE = bytes(
    ord("0") if chr(b).isdigit() and b < 128
    else ord("a") if (chr(b).isalpha() and b < 128) or b in (0x26, 0xC3, 0x91, 0xB1, 0xD1, 0xF1)
    else b
    for b in range(256)
)
PREFILTER_LITERALS = (
    b"aaaa000000",                                   # CURP, RFC, clave de elector
    b"@",                                            # e-mail
    b"0000000000", b"000 0000", b"000.0000", b"000-0000", b")0000000", b") 0000000",  # phones
)

_BARE_DIGITS_RE = re.compile(r"\d{10}")


def classify_identifier(candidate: str) -> str | None:
    """``curp``, ``rfc``, ``clave_elector`` or None for an IDENT_RE candidate."""
    n = len(candidate)
    if n == 18:
        if is_curp(candidate):
            return "curp"
        if is_clave_elector(candidate):
            return "clave_elector"
    elif n == 13 and is_rfc_persona(candidate):
        return "rfc"
    return None


def email_start(text: str, at: int) -> int | None:
    """Start of the local part of an address whose ``@`` is at ``at``."""
    window = text[max(0, at - 64):at]
    m = EMAIL_LOCAL_RE.search(window)
    if not m:
        return None
    local = m.group(0).lstrip(".")
    if not local or local.endswith(".") or ".." in local:
        return None
    return at - len(local)


def iter_matches(upper_text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(detector, start, end)`` for every finding in upper-cased text.

    Phone matches are reported as found; the scanner decides about bare
    numbers in money or identifier columns (it knows the columns). Each
    detector's matches come in increasing order of position.
    """
    for m in IDENT_RE.finditer(upper_text):
        kind = classify_identifier(m.group(0))
        if kind:
            yield kind, m.start(), m.end()
    if "@" in upper_text:
        for m in EMAIL_AT_RE.finditer(upper_text):
            if m.group(1) in _NOT_TLDS:
                continue
            start = email_start(upper_text, m.start())
            if start is not None:
                yield "email", start, m.end()
    for m in PHONE_RE.finditer(upper_text):
        if is_phone(m.group(0)):
            yield "phone", m.start(), m.end()


def is_bare_number(text: str) -> bool:
    return bool(_BARE_DIGITS_RE.fullmatch(text))


def find_in_text(text: str) -> list[str]:
    """Detector names found in one string, in order (for tests and single values)."""
    found = []
    upper = text.upper()
    for kind, _start, _end in sorted(iter_matches(upper), key=lambda x: x[1]):
        found.append(kind)
    return found
