"""Dates are shown as stored: a dataset ``modified`` 2025-01-15 with coverage
2024-01-01/2024-12-31 reads exactly so on every page and export, in Spanish
and English (``ckan.display_timezone`` is America/Mexico_City in test.ini,
which used to shift a date-only value to the day before)."""
from __future__ import annotations

import datetime
import json

import pytest

from ckan.tests import factories

from ckanext.sach import dates, helpers

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
        # a calendar field written with a time still names its own day
        assert helpers.sach_date("2025-03-01T00:00:00") == "1 de marzo de 2025"
        assert helpers.sach_date("2025-03-01T00:00:00Z") == "1 de marzo de 2025"
        assert helpers.sach_date("no es fecha") == "no es fecha"


def test_timestamps_are_shown_in_the_site_time_zone(app):
    with app.flask_app.test_request_context("/"):
        # a timestamp is UTC in CKAN: 05:30 UTC is still the 14th in Mexico City
        assert helpers.sach_datetime("2025-01-15T05:30:00") == "14 de enero de 2025"
        naive_utc = datetime.datetime(2025, 1, 15, 5, 30)  # noqa: DTZ001 -- CKAN stores naive UTC timestamps
        assert helpers.sach_datetime(naive_utc, with_hours=True) == \
            "14 de enero de 2025, 23:30"
        # a date alone is never shifted, even through the timestamp formatter
        assert helpers.sach_datetime("2025-03-01") == "1 de marzo de 2025"
    assert dates.format_datetime("2025-01-15T05:30:00", with_hours=True, lang="en") == "14 January 2025, 23:30"


@pytest.mark.parametrize(("prefix", "expected"), [("", ES), ("/en", EN)])
def test_dataset_page_shows_stored_dates(app, dated, prefix, expected):
    body = app.get(f"{prefix}/dataset/{dated['name']}").body
    for text in expected:
        assert text in body, text
    for text in WRONG:
        assert text not in body, text


@pytest.mark.parametrize(("prefix", "expected"), [("", ES[0]), ("/en", EN[0])])
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


@pytest.mark.parametrize(("dataset_type", "field", "prefix", "expected", "wrong"), [
    ("informacion_util", "info_date", "", "1 de marzo de 2025", "28 de febrero de 2025"),
    ("informacion_util", "info_date", "/en", "March 1, 2025", "February 28, 2025"),
    ("plan_publicacion", "target_date", "", "1 de marzo de 2025", "28 de febrero de 2025"),
    ("actividad_escolar", "activity_date", "", "1 de marzo de 2025", "28 de febrero de 2025"),
])
def test_microsite_content_page_shows_stored_date(app, make_content, dataset_type, field, prefix,
                                                  expected, wrong):
    """The page of a microsite card, plan entry or school activity shows its date as
    entered: 2025-03-01 is 1 March in Mexico City, not 28 February."""
    org = factories.Organization(title="Coordinación General de Transparencia")
    item = make_content(dataset_type, org, **{field: "2025-03-01"})
    body = app.get(f"{prefix}/{dataset_type}/{item['name']}").body
    assert expected in body
    assert wrong not in body


@pytest.mark.parametrize(("prefix", "expected", "wrong"), [
    ("", "1 de marzo de 2025", "28 de febrero de 2025"),
    ("/en", "March 1, 2025", "February 28, 2025"),
])
def test_date_written_with_a_time_is_not_a_day_early(app, make_dataset, prefix, expected, wrong):
    """A ``modified`` sent through the API as a date-time at midnight (as harvesters and
    spreadsheets write it) is the day it names: the dataset page and the home page say
    1 March, as the not-in-the-future check and the freshness score read it."""
    org = factories.Organization(title="Tesorería Municipal")
    dataset = make_dataset(org, name="fecha-con-hora", modified="2025-03-01T00:00:00")
    for url in (f"{prefix}/dataset/{dataset['name']}", f"{prefix}/"):
        body = app.get(url).body
        assert expected in body, url
        assert wrong not in body, url
