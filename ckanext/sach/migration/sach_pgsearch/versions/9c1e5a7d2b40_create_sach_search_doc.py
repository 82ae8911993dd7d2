"""Create the search document table and the accent-folding text search configurations.

Revision ID: 9c1e5a7d2b40
Revises:
Create Date: 2026-11-24 13:30:00

Every statement is idempotent for the objects that live outside tables (extension, text search
configurations, functions): CKAN's test `clean_db` drops every table of the database, including
this plugin's version table, so the migration must be able to run again over them.
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "9c1e5a7d2b40"
down_revision = None
branch_labels = None
depends_on = None

_TOKEN_TYPES = (
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart"
)


def _text_search_config(name: str, copy: str, dictionary: str) -> str:
    return f"""
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}') THEN
        CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{copy});
        ALTER TEXT SEARCH CONFIGURATION {name}
          ALTER MAPPING FOR {_TOKEN_TYPES} WITH unaccent, {dictionary};
      END IF;
    END
    $$;
    """


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # Spanish stemming after accent folding; `simple` (no stemming, no stop words) keeps English
    # and other words findable as written.
    op.execute(_text_search_config("sach_spanish", "spanish", "spanish_stem"))
    op.execute(_text_search_config("sach_simple", "simple", "simple"))

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
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS sach_simple")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS sach_spanish")
