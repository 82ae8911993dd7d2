"""Dates are shown as stored: a dataset ``modified`` 2025-01-15 with coverage
2024-01-01/2024-12-31 reads exactly so on every page and export, in Spanish
and English (``ckan.display_timezone`` is America/Mexico_City in test.ini,
which used to shift a date-only value to the day before)."""
from __future__ import annotations

import datetime
import json

import pytest

from ckan.tests import factories

from ckanext.sach import helpers

pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    # linked files are not downloaded for a personal-data scan here (no network)
    pytest.mark.ckan_config("ckanext.sach.privacy.scan_links", False),
]

ES = ("15 de enero de 2025", "1 de enero de 2024", "31 de diciembre de 2024")
EN = ("January 15, 2025", "January 1, 2024", "December 31, 2024")
WRONG = ("14 de enero de 2025", "31 de diciembre de 2023", "30 de diciembre de 2024",
         "January 14, 2025", "December 31, 2023", "December 30, 2024")


@pytest.fixture
def dated(make_dataset):
    org = factories.Organization(title="Tesorería Municipal")
    return make_dataset(org, name="fechas-exactas", modified="2025-01-15",
                        temporal_coverage=[{"start": "2024-01-01", "end": "2024-12-31"}])


def test_formatter_never_shifts_calendar_dates(app):
    with app.flask_app.test_request_context("/"):
        assert helpers.sach_date("2025-01-15") == "15 de enero de 2025"
        assert helpers.sach_date(datetime.date(2024, 12, 31)) == "31 de diciembre de 2024"
        assert helpers.sach_date("2024-07") == "julio de 2024"
        assert helpers.sach_date("2024") == "2024"
        # a date-time is UTC in CKAN: 05:30 UTC is still the 14th in Mexico City
        assert helpers.sach_date("2025-01-15T05:30:00") == "14 de enero de 2025"
        assert helpers.sach_date("2025-01-15T05:30:00", with_hours=True) == "14 de enero de 2025, 23:30"
        assert helpers.sach_date("no es fecha") == "no es fecha"


@pytest.mark.parametrize("prefix,expected", [("", ES), ("/en", EN)])
def test_dataset_page_shows_stored_dates(app, dated, prefix, expected):
    body = app.get(f"{prefix}/dataset/{dated['name']}").body
    for text in expected:
        assert text in body, text
    for text in WRONG:
        assert text not in body, text


@pytest.mark.parametrize("prefix,expected", [("", ES[0]), ("/en", EN[0])])
def test_lists_say_declared_modified(app, dated, prefix, expected):
    """Home and microsite lists: "Actualizado" is the declared ``modified``."""
    body = app.get(f"{prefix}/").body
    assert expected in body


def test_exports_keep_the_dates(app, dated):
    ttl = app.get(f"/dataset/{dated['name']}.ttl").body
    for iso in ("2025-01-15", "2024-01-01", "2024-12-31"):
        assert iso in ttl, iso
    for wrong in ("2025-01-14", "2023-12-31", "2024-12-30"):
        assert wrong not in ttl, wrong
    data = json.loads(app.get("/data.json").body)
    ds = next(d for d in data["dataset"] if dated["name"] in json.dumps(d))
    assert ds["modified"].startswith("2025-01-15")
    assert ds["temporal"].startswith("2024-01-01") and ds["temporal"].endswith("2024-12-31")
    api = app.get(f"/api/3/action/package_show?id={dated['name']}").json["result"]
    assert api["modified"] == "2025-01-15"
    assert api["temporal_coverage"] == [{"start": "2024-01-01", "end": "2024-12-31"}]
