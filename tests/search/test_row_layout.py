"""What a free-text search reads of every row stays inline and uncompressed; the stored documents
go out of line (migration 6f2d8b1c9e47; the speed it buys is measured in bench/RESULTS.md).

Checked on a real row: a dataset with a long description and many files, whose stored documents
alone exceed the row target, keeps its search vector uncompressed in the row and its stored
document out of it, and is still found by a word of its description."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories

from tests.factories import SachDatasetFactory

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

INLINE = {"index_id", "id", "site_id", "name", "title_sort", "state", "capacity", "dataset_type",
          "tsv", "facet_terms", "permission_labels"}
OUT_OF_LINE = {"doc", "fields", "data_dict", "validated_data_dict"}


def test_search_table_storage() -> None:
    rows = model.Session.execute(sa.text(
        "SELECT attname, attstorage FROM pg_attribute "
        "WHERE attrelid = 'sach_search_doc'::regclass AND attnum > 0 AND NOT attisdropped"
    )).all()
    storage = {name: str(kind) for name, kind in rows}
    assert {name for name in INLINE if storage[name] != "m"} == set()
    assert {name for name in OUT_OF_LINE if storage[name] != "x"} == set()
    options = model.Session.execute(sa.text(
        "SELECT reloptions FROM pg_class WHERE oid = 'sach_search_doc'::regclass"
    )).scalar()
    assert "toast_tuple_target=2400" in options


def test_large_dataset_keeps_its_search_vector_in_the_row(app: Any) -> None:
    words = " ".join(f"partida{i} concepto{i * 7} monto{i * 13}" for i in range(400))
    SachDatasetFactory(
        user=factories.Sysadmin(), name="presupuesto-detallado", title="Presupuesto detallado",
        notes=f"Desglose del presupuesto por partida: {words}. Incluye alumbrado.",
        resources=[{"url": f"https://sach.gob.mx/datos/partida-{i}.csv", "format": "CSV",
                    "name": f"Partida {i}", "description": words[: 300 + i]} for i in range(12)],
    )
    row = model.Session.execute(sa.text(
        "SELECT pg_column_compression(tsv) AS tsv_compression, octet_length(doc::text) AS doc_text, "
        "pg_column_size(tsv) AS tsv_size FROM sach_search_doc WHERE name = 'presupuesto-detallado'"
    )).mappings().one()
    assert row["doc_text"] > 2400, "the stored document alone exceeds the row target"
    assert row["tsv_compression"] is None
    found = app.get("/api/3/action/package_search", query_string={"q": "alumbrado"}).json["result"]
    assert [d["name"] for d in found["results"]] == ["presupuesto-detallado"]
