"""Citizens see quality, openness and freshness on the dataset page."""
from __future__ import annotations

import datetime as dt

import pytest

from ckan.tests import factories

from ckanext.sach import dates


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_dataset_page_shows_quality_box(app, make_dataset):
    org = factories.Organization()
    stale = (dates.today() - dt.timedelta(days=400)).isoformat()
    pkg = make_dataset(org, name="obra-publica-vieja", frequency="R/P1M", modified=stale)

    body = app.get(f"/dataset/{pkg['name']}").body
    assert "Calidad de los datos" in body
    assert "sach-freshness-overdue" in body  # monthly data last updated 400 days ago
    assert "de 5 estrellas" in body
    # anonymous citizens get no link to the officers' personal-data review page
    assert "datos-personales" not in body
