"""Narrow rows: what a free-text search reads of every row (the search vector, the facet terms,
the filter and sort columns) stays inline and uncompressed, and the stored documents go out of
line.

A broad word ("datos") matches most of the catalogue, so the search reads every row: its cost is
the width of the heap it walks. With a TOAST target of 4080 bytes and `fields` kept MAIN, the
filter document and the stored `doc` stayed inline beside the search vector, two rows to a page.
With a target of 2400 and `fields` EXTENDED (the vector, facet terms, permission labels and the
short filter and sort columns stay MAIN: compressed or moved only when a row cannot fit otherwise)
a row keeps about 2 KB, three to a page (bench/RESULTS.md, issue #14). Fielded exact filters
(`res_format:"CSV"`) no longer read `fields` (out of line now): they test the row's facet terms,
which a new GIN index serves.

The rewrite (CLUSTER, in the migration's transaction) lays out the existing rows at once; searches
wait for it (an exclusive lock: seconds for tens of thousands of datasets).

Revision ID: 6f2d8b1c9e47
Revises: b9e4d2a7c1f6
Create Date: 2026-12-07 00:40:00
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "6f2d8b1c9e47"
down_revision = "b9e4d2a7c1f6"
branch_labels = None
depends_on = None

# TOAST moves any EXTENDED value over 24 bytes out of a row that is still over the target: these
# short columns, read on every row, are MAIN so that they stay inline.
_INLINE = ("index_id", "id", "site_id", "name", "title_sort", "state", "capacity", "dataset_type")


def upgrade() -> None:
    op.execute("ALTER TABLE sach_search_doc SET (toast_tuple_target = 2400)")
    op.execute(
        "ALTER TABLE sach_search_doc ALTER COLUMN fields SET STORAGE EXTENDED, "
        + ", ".join(f"ALTER COLUMN {name} SET STORAGE MAIN" for name in _INLINE)
    )
    op.execute("CLUSTER sach_search_doc USING sach_search_doc_pkey")
    op.execute(
        "CREATE INDEX IF NOT EXISTS sach_search_doc_facet_terms_idx "
        "ON sach_search_doc USING gin (facet_terms)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS sach_search_doc_facet_terms_idx")
    op.execute(
        "ALTER TABLE sach_search_doc ALTER COLUMN fields SET STORAGE MAIN, "
        + ", ".join(f"ALTER COLUMN {name} SET STORAGE EXTENDED" for name in _INLINE)
    )
    op.execute("ALTER TABLE sach_search_doc SET (toast_tuple_target = 4080)")
