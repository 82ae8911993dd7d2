"""The scanner's CURP and RFC checks against an independent oracle: python-stdnum.

The scanner (``ckanext/sach/privacy/detectors.py``) and ``stdnum.mx.curp`` / ``stdnum.mx.rfc``
were written apart, so a wrong weight, alphabet or date rule in the scanner shows up here as a
disagreement on a concrete value.

Where the two knowingly differ, the domain of the comparison leaves it out, and why:

- stdnum refuses the CURPs and RFCs that start with one of RENAPO's "inconvenient words"
  (``RATA``, ``COLA``…), which are never issued; the scanner still reports them (a harmless
  extra finding), so those names are excluded.
- stdnum accepts any letter as the second character and as the three internal consonants;
  RENAPO's rules (and the scanner) want a vowel (or X) and consonants (or X). Only values that
  follow RENAPO's shape are compared.
- stdnum reads the century from the 17th character (digit: 1900s, letter: 2000s); the scanner
  accepts a date valid in either century. Generated values keep the two consistent.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import string

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

from ckanext.sach.privacy.detectors import classify_identifier, curp_check_digit, is_curp, is_rfc_persona

from . import synthetic

pytestmark = pytest.mark.unit

LETTERS = string.ascii_uppercase
VOWELS = "AEIOUX"
CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
STATES = [*synthetic._STATES, "NE"]
# RENAPO's shape of a CURP, without Ñ and & (stdnum's alphabet has no Ñ).
RENAPO_SHAPE = re.compile(r"[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z]\d")
# RENAPO's "inconvenient words" (stdnum.mx.curp refuses them; never issued).
INCONVENIENT = frozenset(stdnum_curp._name_blacklist)  # the oracle's own table


def _century_consistent(value: str) -> bool:
    """The date names a real day in the century the 17th character says."""
    century = 1900 if value[16].isdigit() else 2000
    try:
        dt.date(century + int(value[4:6]), int(value[6:8]), int(value[8:10]))
    except ValueError:
        return False
    return True


def in_shared_domain(value: str) -> bool:
    return (bool(RENAPO_SHAPE.fullmatch(value)) and value[:4] not in INCONVENIENT
            and _century_consistent(value))


@st.composite
def curps(draw: st.DrawFn) -> str:
    """A valid CURP made with stdnum's check digit."""
    birth = draw(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)))
    differentiator = draw(st.sampled_from(string.digits if birth.year < 2000 else LETTERS))
    head = (draw(st.sampled_from(LETTERS)) + draw(st.sampled_from(VOWELS))
            + draw(st.text(LETTERS, min_size=2, max_size=2)) + birth.strftime("%y%m%d")
            + draw(st.sampled_from("HM")) + draw(st.sampled_from(STATES))
            + draw(st.text(CONSONANTS, min_size=3, max_size=3)) + differentiator)
    assume(head[:4] not in INCONVENIENT)
    return head + stdnum_curp.calc_check_digit(head)


@given(st.text(LETTERS + string.digits, min_size=17, max_size=17))
@example("BOXW310820HNERXN0")  # stdnum's documented example, check digit 9
def test_curp_check_digit_is_stdnums(head):
    assert curp_check_digit(head) == stdnum_curp.calc_check_digit(head)


@settings(max_examples=300)
@given(curps())
@example("BOXW310820HNERXN09")
def test_valid_curps_are_found(value):
    assert stdnum_curp.is_valid(value)
    assert is_curp(value)
    assert classify_identifier(value) == "curp"


@settings(max_examples=500)
@given(curps(), st.integers(0, 17), st.sampled_from(LETTERS + string.digits))
def test_scanner_agrees_with_stdnum_on_corrupted_curps(value, position, replacement):
    """One character replaced (a typo, an OCR error): the scanner says "CURP" exactly when
    stdnum does, wherever the value keeps RENAPO's shape."""
    corrupted = value[:position] + replacement + value[position + 1:]
    assume(corrupted != value and in_shared_domain(corrupted))
    assert is_curp(corrupted) == stdnum_curp.is_valid(corrupted), corrupted


@settings(max_examples=300)
@given(curps(), st.integers(0, 16))
def test_scanner_agrees_with_stdnum_on_swapped_curps(value, position):
    """Two neighbouring characters swapped."""
    swapped = value[:position] + value[position + 1] + value[position] + value[position + 2:]
    assume(swapped != value and in_shared_domain(swapped))
    assert is_curp(swapped) == stdnum_curp.is_valid(swapped), swapped


@pytest.mark.parametrize("value", [synthetic.curp(random.Random(n)) for n in range(50)])
def test_test_data_curps_are_valid_for_stdnum(value):
    assert stdnum_curp.is_valid(value)
    assert is_curp(value)


@pytest.mark.parametrize(("value", "valid"), [
    ("BOXW310820HNERXN09", True),    # stdnum's example
    ("BOXW310820HNERXN08", False),   # wrong check digit
    ("BOXW311320HNERXN01", False),   # month 13
    ("BOXW310820HXXRXN09", False),   # unknown state
    ("BOXW310820HNERXN9", False),    # 17 characters
])
def test_curp_table(value, valid):
    assert is_curp(value) is valid
    assert stdnum_curp.is_valid(value) is valid


def test_ampersand_in_a_curp_shaped_value_is_not_a_curp():
    # '&' is not in RENAPO's alphabet: such a value crashed the check digit and the whole scan

    assert stdnum_curp.is_valid("&AXA900101HPLRRR09") is False
    assert is_curp("&AXA900101HPLRRR09") is False


# ---------------------------------------------------------------- RFC of a persona física


@st.composite
def rfcs(draw: st.DrawFn) -> str:
    birth = draw(st.dates(dt.date(1930, 1, 1), dt.date(2029, 12, 31)))
    name = draw(st.text(LETTERS, min_size=4, max_size=4))
    assume(name not in stdnum_rfc._name_blacklist)  # never issued
    homoclave = draw(st.text(LETTERS + "123456789", min_size=2, max_size=2))
    head = name + birth.strftime("%y%m%d") + homoclave
    return head + draw(st.sampled_from(string.digits + "A"))


@settings(max_examples=300)
@given(rfcs())
def test_rfcs_of_persons_agree_with_stdnum(value):
    """RFCs of persons whose last character is a digit or A (the SAT's form): both say valid.
    The check digit is not verified by either (the SAT has issued RFCs with a wrong one)."""
    assert stdnum_rfc.is_valid(value)
    assert is_rfc_persona(value)


@settings(max_examples=300)
@given(rfcs(), st.sampled_from(["991332", "000230", "011301", "990000"]))
def test_rfcs_with_impossible_dates_are_refused_by_both(value, date):
    corrupted = value[:4] + date + value[10:]
    assert not stdnum_rfc.is_valid(corrupted)
    assert not is_rfc_persona(corrupted)


@pytest.mark.parametrize("value", [synthetic.rfc(random.Random(n)) for n in range(50)])
def test_test_data_rfcs_are_valid_for_stdnum(value):
    never_issued = value[:4] in stdnum_rfc._name_blacklist
    assert is_rfc_persona(value)
    assert stdnum_rfc.is_valid(value) or never_issued
