import pytest

import ckan.plugins as p


@pytest.mark.usefixtures("with_plugins")
def test_both_plugins_load():
    assert p.plugin_loaded("sach")
    assert p.plugin_loaded("sach_pgsearch")


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_status_show_lists_plugins(app):
    res = app.get("/api/3/action/status_show")
    assert res.status_code == 200
    extensions = res.json["result"]["extensions"]
    assert "sach" in extensions and "sach_pgsearch" in extensions
