"""Leaner documents: index text stemmed-then-folded and folded-unstemmed only (the query side keeps
every form, so accent-less words still match through the unstemmed form), and keep the search
vector and the filter document inside the row where they fit, so scans never fetch TOAST.

Existing documents keep their old vectors until `ckan search-index rebuild`.

Revision ID: d1a6e9b3c4f7
Revises: b7d3c0e5f812
Create Date: 2026-11-24 14:20:00
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "d1a6e9b3c4f7"
down_revision = "b7d3c0e5f812"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sach_search_tsvector(cfg regconfig, body text, weight "char")
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT setweight(
            sach_unaccent(to_tsvector(cfg, body)::text)::tsvector
            || to_tsvector('simple', sach_unaccent(body)),
            weight)
        $$
        """
    )
    op.execute("ALTER TABLE sach_search_doc ALTER COLUMN tsv SET STORAGE MAIN")
    op.execute("ALTER TABLE sach_search_doc ALTER COLUMN fields SET STORAGE MAIN")


def downgrade() -> None:
    op.execute("ALTER TABLE sach_search_doc ALTER COLUMN fields SET STORAGE EXTENDED")
    op.execute("ALTER TABLE sach_search_doc ALTER COLUMN tsv SET STORAGE EXTENDED")
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sach_search_tsvector(cfg regconfig, body text, weight "char")
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT setweight(
            to_tsvector(cfg, sach_unaccent(body))
            || sach_unaccent(to_tsvector(cfg, body)::text)::tsvector
            || to_tsvector('simple', sach_unaccent(body)),
            weight)
        $$
        """
    )
