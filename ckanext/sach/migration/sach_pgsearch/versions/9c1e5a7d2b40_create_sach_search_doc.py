"""Create the search document table and its accent-folding text search functions.

Revision ID: 9c1e5a7d2b40
Revises:
Create Date: 2026-11-24 13:30:00

Every statement is idempotent for the objects that live outside tables (extension, functions): CKAN's test `clean_db` drops every table of the database, including
this plugin's version table, so the migration must be able to run again over them.
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "9c1e5a7d2b40"
down_revision = None
branch_labels = None
depends_on = None

def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")

    # Text is indexed three ways, so that accents never matter and stemming still works:
    # accent-folded then stemmed ("inundacion" → inundacion), stemmed then accent-folded
    # ("inundación" → inund, like "inundaciones"), and accent-folded unstemmed words (`simple`,
    # which keeps English and any other word findable as written).
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sach_search_tsvector(cfg regconfig, body text, weight "char")
        RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
          SELECT setweight(
            to_tsvector(cfg, unaccent(body))
            || unaccent(to_tsvector(cfg, body)::text)::tsvector
            || to_tsvector('simple', unaccent(body)),
            weight)
        $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sach_search_tsquery(cfg regconfig, words text)
        RETURNS tsquery LANGUAGE sql STABLE PARALLEL SAFE AS $$
          SELECT plainto_tsquery(cfg, unaccent(words))
            || unaccent(plainto_tsquery(cfg, words)::text)::tsquery
            || plainto_tsquery('simple', unaccent(words))
        $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sach_search_phrase(cfg regconfig, words text)
        RETURNS tsquery LANGUAGE sql STABLE PARALLEL SAFE AS $$
          SELECT phraseto_tsquery(cfg, unaccent(words))
            || unaccent(phraseto_tsquery(cfg, words)::text)::tsquery
            || phraseto_tsquery('simple', unaccent(words))
        $$
        """
    )

    # Lenient casts used by range filters on arbitrary fields: NULL instead of an error.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sach_search_to_timestamptz(value text)
        RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
        BEGIN
          IF value IS NULL OR value !~ '^\\d{4}-\\d{2}-\\d{2}' THEN
            RETURN NULL;
          END IF;
          RETURN value::timestamptz;
        EXCEPTION WHEN others THEN
          RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sach_search_to_numeric(value text)
        RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
          SELECT CASE WHEN value ~ '^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d{1,3})?\\s*$'
                      THEN value::numeric END
        $$
        """
    )

    op.execute(
        """
        CREATE TABLE IF NOT EXISTS sach_search_doc (
            index_id text PRIMARY KEY,
            id text NOT NULL,
            site_id text NOT NULL,
            name text,
            metadata_created timestamptz,
            metadata_modified timestamptz,
            title_sort text,
            doc jsonb NOT NULL,
            fields jsonb NOT NULL,
            data_dict text,
            validated_data_dict text,
            tsv tsvector NOT NULL,
            indexed_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS sach_search_doc_fields_idx "
        "ON sach_search_doc USING gin (fields jsonb_path_ops)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS sach_search_doc_tsv_idx ON sach_search_doc USING gin (tsv)"
    )
    for column in ("id", "name", "metadata_modified", "metadata_created", "title_sort"):
        op.execute(
            f"CREATE INDEX IF NOT EXISTS sach_search_doc_{column}_idx "
            f"ON sach_search_doc ({column})"
        )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS sach_search_doc")
    op.execute("DROP FUNCTION IF EXISTS sach_search_to_numeric(text)")
    op.execute("DROP FUNCTION IF EXISTS sach_search_to_timestamptz(text)")
    op.execute("DROP FUNCTION IF EXISTS sach_search_phrase(regconfig, text)")
    op.execute("DROP FUNCTION IF EXISTS sach_search_tsquery(regconfig, text)")
    op.execute('DROP FUNCTION IF EXISTS sach_search_tsvector(regconfig, text, "char")')
