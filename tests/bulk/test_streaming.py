"""The load reads the file in two streaming passes (names first, then one dataset block at a
time): it must group rows exactly as reading the whole file at once did, and a resource row far
from its dataset still lands with it."""
from __future__ import annotations

import io

import pytest

from ckan.plugins import toolkit as tk

from ckanext.sach.bulk.load import Loader
from ckanext.sach.bulk.reader import iter_rows, read

from .conftest import ORG, resource_row, row, run, texts, xlsx

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _shape(items):
    return [(i.row.number, [r.number for r in i.resources], sorted(i.problems)) for i in items]


@pytest.mark.parametrize("rows", [
    pytest.param(lambda: [  # the usual shape: each dataset followed by its resources
        row("a"), resource_row("a"), resource_row("a", 2), row("b"), resource_row("", 1),
        {"_row": "fila rara", "title": "x", "name": "x"}, resource_row("b", 2), row("c")], id="blocks"),
    pytest.param(lambda: [  # stray rows, a repeated name, resources with no dataset
        resource_row("", 1), resource_row("nadie"), row("a"), row("a"), resource_row("", 2),
        resource_row("zeta"), row("zeta"), row(""), resource_row("", 3)], id="strays"),
    pytest.param(lambda: [  # a resource naming a dataset higher up: whole-file grouping
        row("a"), row("b"), resource_row("a"), resource_row("b")], id="far"),
])
def test_streamed_items_group_rows_as_the_whole_file(officer, rows):
    data = xlsx(rows(), officer["name"])
    loader = Loader(officer["name"], ORG)
    whole = loader.items(read(io.BytesIO(data), loader.cols, 100).rows)
    loader = Loader(officer["name"], ORG)
    scan = loader.scan(iter_rows(io.BytesIO(data), loader.cols, 100))
    streamed = list(loader.stream_items(iter_rows(io.BytesIO(data), loader.cols, 100), scan))
    assert scan.total == len(whole)
    assert _shape(streamed) == _shape(whole)


def test_resource_row_far_from_its_dataset_lands_with_it(officer):
    data = xlsx([row("lejos-a"), row("lejos-b"), resource_row("lejos-a"), resource_row("lejos-b", 2),
                 resource_row("lejos-a", 3)], officer["name"])
    report = run(data, officer["name"])
    assert texts(report) == [] and sorted(report.created) == ["lejos-a", "lejos-b"]
    ctx = {"ignore_auth": True}
    a = tk.get_action("package_show")(ctx, {"id": "lejos-a"})
    b = tk.get_action("package_show")(ctx, {"id": "lejos-b"})
    assert [r["url"].rsplit("/", 1)[-1] for r in a["resources"]] == ["lejos-a-1.csv", "lejos-a-3.csv"]
    assert [r["url"].rsplit("/", 1)[-1] for r in b["resources"]] == ["lejos-b-2.csv"]
