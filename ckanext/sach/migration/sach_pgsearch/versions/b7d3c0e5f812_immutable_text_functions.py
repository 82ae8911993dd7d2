"""Immutable text search functions, so PostgreSQL folds a query's tsquery once at planning time
(and can estimate it against the GIN index) instead of recomputing it for every row.

`unaccent(text)` is only STABLE because its dictionary could be edited; the usual remedy is an
IMMUTABLE wrapper that names the dictionary explicitly. Changing the unaccent rules then needs
`ckan search-index rebuild`, as any change of analysis does.

Revision ID: b7d3c0e5f812
Revises: 4e8b2f61a9c3
Create Date: 2026-11-24 13:50:00
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d3c0e5f812"
down_revision = "4e8b2f61a9c3"
branch_labels = None
depends_on = None


def _functions(volatility: str, unaccent: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION sach_search_tsvector(cfg regconfig, body text, weight "char")
        RETURNS tsvector LANGUAGE sql {volatility} PARALLEL SAFE AS $$
          SELECT setweight(
            to_tsvector(cfg, {unaccent}(body))
            || {unaccent}(to_tsvector(cfg, body)::text)::tsvector
            || to_tsvector('simple', {unaccent}(body)),
            weight)
        $$
        """,
        f"""
        CREATE OR REPLACE FUNCTION sach_search_tsquery(cfg regconfig, words text)
        RETURNS tsquery LANGUAGE sql {volatility} PARALLEL SAFE AS $$
          SELECT plainto_tsquery(cfg, {unaccent}(words))
            || {unaccent}(plainto_tsquery(cfg, words)::text)::tsquery
            || plainto_tsquery('simple', {unaccent}(words))
        $$
        """,
        f"""
        CREATE OR REPLACE FUNCTION sach_search_phrase(cfg regconfig, words text)
        RETURNS tsquery LANGUAGE sql {volatility} PARALLEL SAFE AS $$
          SELECT phraseto_tsquery(cfg, {unaccent}(words))
            || {unaccent}(phraseto_tsquery(cfg, words)::text)::tsquery
            || phraseto_tsquery('simple', {unaccent}(words))
        $$
        """,
    ]


def upgrade() -> None:
    op.execute(
        """
        DO $$
        DECLARE schema_name text;
        BEGIN
          SELECT n.nspname INTO schema_name FROM pg_extension e
            JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
          EXECUTE format(
            'CREATE OR REPLACE FUNCTION sach_unaccent(value text) RETURNS text '
            'LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS '
            '$f$ SELECT %I.unaccent(%L::regdictionary, value) $f$',
            schema_name, schema_name || '.unaccent');
        END
        $$
        """
    )
    for statement in _functions("IMMUTABLE", "sach_unaccent"):
        op.execute(statement)


def downgrade() -> None:
    for statement in _functions("STABLE", "unaccent"):
        op.execute(statement)
    op.execute("DROP FUNCTION IF EXISTS sach_unaccent(text)")
