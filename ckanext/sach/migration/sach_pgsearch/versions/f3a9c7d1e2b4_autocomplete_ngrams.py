"""Pieces of names and titles for `package_autocomplete` (Solr's `name_ngram`/`title_ngram`), and
exact values stored once per dataset (facets count datasets, not files).

Solr indexes every 2–10 character piece of a dataset's name and title; here the name and the folded
title (`title_sort`) carry trigram indexes, so that a `LIKE '%piece%'` finds them without reading
every row (pieces of three characters or more; two-character pieces are matched by scanning).
`pg_trgm`, like `unaccent`, is a trusted extension of PostgreSQL's contrib package.

Documents indexed before this revision repeat a value once per resource (`res_format` of a dataset
with three CSV files was CSV three times, and counted three times by the format facet): their
filter values are made distinct here, keeping the first-seen order.

Revision ID: f3a9c7d1e2b4
Revises: e5c2a8f0b6d9
Create Date: 2026-12-03 06:40:00
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "f3a9c7d1e2b4"
down_revision = "e5c2a8f0b6d9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX IF NOT EXISTS sach_search_doc_name_trgm_idx "
        "ON sach_search_doc USING gin (name gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS sach_search_doc_title_trgm_idx "
        "ON sach_search_doc USING gin (title_sort gin_trgm_ops)"
    )
    op.execute(
        """
        UPDATE sach_search_doc AS d SET fields = u.fields
        FROM (
          SELECT t.index_id, jsonb_object_agg(f.key, CASE
              WHEN jsonb_typeof(f.value) <> 'array' THEN f.value
              ELSE COALESCE((
                SELECT jsonb_agg(x.v ORDER BY x.o)
                FROM (SELECT a.v, min(a.o) AS o
                      FROM jsonb_array_elements(f.value) WITH ORDINALITY AS a(v, o)
                      GROUP BY a.v) AS x), '[]'::jsonb) END) AS fields
          FROM sach_search_doc AS t CROSS JOIN LATERAL jsonb_each(t.fields) AS f
          GROUP BY t.index_id
        ) AS u
        WHERE u.index_id = d.index_id AND u.fields IS DISTINCT FROM d.fields
        """
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS sach_search_doc_title_trgm_idx")
    op.execute("DROP INDEX IF EXISTS sach_search_doc_name_trgm_idx")
