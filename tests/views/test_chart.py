"""The chart view: an officer makes it from the table's columns (bad choices answered in Spanish),
citizens read an SVG with its title, description and the figures as a table."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.tests.helpers import call_action

from tests.views.conftest import load

pytestmark = pytest.mark.usefixtures("with_plugins")


def _chart(tables: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return call_action("resource_view_create", context={"user": tables["sysadmin"]["name"]},
                       resource_id=tables["resource"]["id"], view_type="sach_chart",
                       title="Reportes por colonia", **fields)


def test_bar_chart_is_svg_with_text_alternative(app: Any, tables: dict[str, Any]) -> None:
    view = _chart(tables, value_column="reportes", label_column="colonia", chart_type="bar")
    res = tables["resource"]
    body = app.get(f"/dataset/{tables['public']['name']}/resource/{res['id']}?view_id={view['id']}").body
    assert '<svg class="sach-chart-svg"' in body and 'role="img"' in body
    assert '<title id="sach-chart-' in body and "Reportes por colonia</title>" in body
    assert ("Gráfica de barras de «Reportes atendidos» por «Colonia», 4 valores; el mayor es 42." in body)
    assert body.count('class="sach-chart-bar"') == 4
    # the figures as a table
    assert '<th scope="row">San Bernardino Tlaxcalancingo</th><td class="text-end">42</td>' in body
    # no script of its own
    assert "sach-chart" not in "".join(line for line in body.splitlines() if "<script" in line)


def test_bar_lengths_follow_the_values(tables: dict[str, Any]) -> None:
    from ckanext.sach.explore import chart

    rows = [{"c": "a", "v": 10}, {"c": "b", "v": 5}, {"c": "c", "v": None}]
    built = chart.build("bar", rows, "c", "v", "C", "V", 3)
    widths = [p["w"] for p in built.points]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    assert built.points[2]["text"] == "—" and not built.truncated


def test_line_chart_and_truncation(app: Any, tables: dict[str, Any]) -> None:
    view = _chart(tables, value_column="reportes", label_column="mes", chart_type="line", limit=2)
    res = tables["resource"]
    body = app.get(f"/dataset/{tables['public']['name']}/resource/{res['id']}?view_id={view['id']}").body
    assert '<path class="sach-chart-line" d="M' in body
    assert "Se muestran las primeras 2 filas de la tabla." in body


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"value_column": "colonia"}, "value_column", "Elija una columna con números: «Colonia» es de texto."),
    ({"value_column": "no_existe"}, "value_column", "La tabla no tiene esa columna."),
    ({"value_column": "reportes", "chart_type": "pastel"}, "chart_type", "Elija una de las opciones."),
    ({"value_column": "reportes", "limit": 500}, "limit", "Como máximo 100."),
])
def test_bad_choices_are_refused_in_spanish(tables: dict[str, Any], fields: dict[str, Any], field: str,
                                            message: str) -> None:
    from ckan.logic import ValidationError

    with pytest.raises(ValidationError) as err:
        _chart(tables, **fields)
    assert err.value.error_dict[field] == [message]


def test_officer_form_lists_numeric_columns(app: Any, tables: dict[str, Any]) -> None:
    res = tables["resource"]
    from ckan.tests import factories

    token = factories.APIToken(user=tables["sysadmin"]["name"])["token"]
    resp = app.get(f"/dataset/{tables['public']['name']}/resource/{res['id']}/new_view?view_type=sach_chart",
                   headers={"Authorization": token})
    assert resp.status_code == 200, resp.status_code
    body = resp.body
    select = body[body.index('id="field-value_column"'):body.index('id="field-label_column"')]
    assert 'value="reportes"' in select and 'value="colonia"' not in select
    assert "Reportes atendidos (reportes)" in select


def test_chart_of_a_private_table_shows_nothing_to_strangers(app: Any, tables: dict[str, Any]) -> None:
    private = tables["private"]
    view = call_action("resource_view_create", context={"user": tables["sysadmin"]["name"]},
                       resource_id=private["resources"][0]["id"], view_type="sach_chart",
                       title="Interno", value_column="reportes", label_column="colonia")
    resp = app.get(f"/dataset/{private['name']}/resource/{private['resources'][0]['id']}?view_id={view['id']}")
    assert resp.status_code == 404
    assert "Tlaxcalancingo" not in resp.body


def test_rows_reloaded_redraw_the_chart(app: Any, tables: dict[str, Any]) -> None:
    view = _chart(tables, value_column="reportes", label_column="colonia")
    load(tables["sysadmin"], tables["resource"]["id"], records=[
        {"colonia": "Nueva colonia", "reportes": 99, "mes": "febrero"}])
    res = tables["resource"]
    body = app.get(f"/dataset/{tables['public']['name']}/resource/{res['id']}?view_id={view['id']}").body
    assert "5 valores; el mayor es 99." in body
