import pytest

from ckan.tests import factories


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_smoke(app, make_dataset, make_content):
    org = factories.Organization()
    ds = make_dataset(org)
    card = make_content("informacion_util", org, related_datasets=ds["name"])
    res = app.get("/")
    assert ds["title"] in res.body, res.body[:3000]
    res = app.get("/gobierno-abierto/informacion-util")
    assert card["title"] in res.body
