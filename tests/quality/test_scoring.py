"""Completeness, openness stars and freshness at the boundaries of every frequency."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.sach.quality import scoring

pytestmark = pytest.mark.unit

D = dt.date
ONE = dt.timedelta(days=1)

# frequency, modified, expected due date, grace in days
BOUNDARIES = [
    ("R/P1D", D(2025, 3, 10), D(2025, 3, 11), 1),
    ("R/P1W", D(2025, 3, 10), D(2025, 3, 17), 1),
    ("R/P2W", D(2025, 3, 10), D(2025, 3, 24), 3),
    ("R/P1M", D(2025, 1, 31), D(2025, 2, 28), 7),     # end of month clamps
    ("R/P2M", D(2024, 12, 31), D(2025, 2, 28), 15),
    ("R/P3M", D(2025, 1, 15), D(2025, 4, 15), 22),
    ("R/P4M", D(2025, 1, 15), D(2025, 5, 15), 30),
    ("R/P6M", D(2024, 8, 31), D(2025, 2, 28), 45),
    ("R/P1Y", D(2024, 2, 29), D(2025, 2, 28), 91),    # leap day
    ("R/P2Y", D(2023, 6, 30), D(2025, 6, 30), 182),
    ("R/P5Y", D(2020, 1, 1), D(2025, 1, 1), 456),
    ("R/P10Y", D(2015, 5, 4), D(2025, 5, 4), 912),
]


@pytest.mark.parametrize(("frequency", "modified", "due", "grace"), BOUNDARIES)
def test_freshness_boundaries(frequency, modified, due, grace):
    f = lambda today: scoring.freshness(modified.isoformat(), frequency, today)  # noqa: E731
    assert scoring.due_dates(modified.isoformat(), frequency) == (due, due + dt.timedelta(days=grace))
    assert f(modified) == "current"
    assert f(due) == "current"                                   # the due day itself is still current
    assert f(due + ONE) == "due"                                 # the day after: update due
    assert f(due + dt.timedelta(days=grace)) == "due"            # last day of grace
    assert f(due + dt.timedelta(days=grace) + ONE) == "overdue"  # then overdue


@pytest.mark.parametrize("frequency", ["irregular", "tiempo-real"])
def test_no_period(frequency):
    assert scoring.freshness("2001-01-01", frequency, D(2025, 1, 1)) == "not_applicable"


@pytest.mark.parametrize(("modified", "frequency"), [(None, "R/P1Y"), ("", "R/P1Y"), ("no es fecha", "R/P1M"),
                                                ("2024-01-01", None), ("2024-01-01", "R/P7X")])
def test_unknown(modified, frequency):
    assert scoring.freshness(modified, frequency, D(2025, 1, 1)) == "unknown"


def test_modified_with_time_and_future():
    assert scoring.freshness("2025-03-10T23:59:00", "R/P1D", D(2025, 3, 11)) == "current"
    assert scoring.freshness("2025-12-31", "R/P1M", D(2025, 1, 1)) == "current"


COMPLETE = {
    "name": "presupuesto-2024", "title": "Presupuesto 2024", "notes": "Presupuesto de egresos.",
    "modified": "2024-06-30", "frequency": "R/P1Y",
    "contact": [{"name": "Tesorería", "email": "tesoreria@sach.gob.mx"}],
    "url": "https://sach.gob.mx/transparencia",
    "resources": [{"id": "r1", "name": "Presupuesto", "url": "https://x.mx/p.csv", "format": "CSV"}],
}


def test_completeness_full_and_missing():
    assert scoring.completeness(COMPLETE) == {"score": 100, "missing": [], "passed": 12, "total": 12}
    partial = dict(COMPLETE, notes="", contact=[{"name": "Tesorería"}], url="",
                   resources=[{"name": "", "url": "https://x.mx/p.csv", "format": "CSV"}])
    result = scoring.completeness(partial)
    assert result["missing"] == ["notes", "contact.email", "landing_page", "resources[1].name"]
    assert result["score"] == round(100 * 8 / 12)
    # the data dictionary counts as landing page (Guía: documentation / data dictionary URL)
    assert "landing_page" not in scoring.completeness(
        dict(COMPLETE, url="", data_dictionary_url="https://x.mx/dic.csv"))["missing"]
    assert scoring.completeness(dict(COMPLETE, resources=[]))["missing"] == ["resources"]
    # contact as JSON text (as stored in the index) also counts
    assert scoring.completeness(dict(COMPLETE, contact='[{"name": "A", "email": "a@b.mx"}]'))["score"] == 100


@pytest.mark.parametrize(("fmt", "stars"), [("CSV", 3), ("csv", 3), ("XLSX", 2), ("xls", 2), ("JSON", 3),
                                       ("GeoJSON", 3), ("SHP", 3), ("KMZ", 3), ("XML", 3), ("RDF", 4),
                                       ("PDF", 1), ("DOCX", 1), ("", 1)])
def test_stars_by_format(fmt, stars):
    assert scoring.resource_stars({"format": fmt}) == stars


def test_dataset_stars_ignore_dictionary_and_documentation():
    pkg = {"resources": [
        {"id": "a", "format": "XLSX"},
        {"id": "b", "format": "CSV", "resource_role": "data_dictionary"},
        {"id": "c", "format": "RDF", "resource_role": "documentation"},
    ]}
    assert scoring.openness(pkg) == {"stars": 2, "resources": {"a": 2, "b": 3, "c": 4}}
    assert scoring.has_dictionary(pkg)
    assert not scoring.has_dictionary({"resources": [{"format": "CSV"}]})
    assert scoring.openness({"resources": []})["stars"] == 0
