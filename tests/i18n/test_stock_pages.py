"""Issue #13: the about page, error pages and members tab speak for this catalogue."""
import pytest


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestStockPages:
    def test_about_is_this_catalogue(self, app):
        body = app.get("/about").body
        assert "Coordinación General de Transparencia" in body
        assert "Libre Uso MX" in body
        assert "Aviso de privacidad simplificado" in body
        assert "CKAN Showcases" not in body

    def test_about_in_english(self, app):
        body = app.get("/en/about").body
        assert "Simplified privacy notice" in body
        assert "Aviso de privacidad" not in body

    def test_404_in_site_look_with_way_back(self, app):
        res = app.get("/dataset/no-existe-este", status=404)
        assert "Página no encontrada" in res.body
        assert "Volver al inicio" in res.body
        assert "Not Found" not in res.body
        res = app.get("/en/dataset/no-existe-este", status=404)
        assert "Page not found" in res.body
