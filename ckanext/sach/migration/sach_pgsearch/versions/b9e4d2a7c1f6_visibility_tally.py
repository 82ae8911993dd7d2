"""Exact counts and facets of the permission-only searches without reading the documents.

`*:*` (the catalogue page, the API listing, the home page) filtered only by what CKAN adds to
every search (site, state, capacity, dataset type, permission labels) used to count every visible
row and unpack the facet terms of each on every query. `sach_search_tally` keeps, per visibility
class (site_id, state, capacity, dataset_type, permission_labels: the columns those filters test),
how many documents it holds (`term` 0) and how many carry each facet term. A trigger on
`sach_search_doc` writes it in the same transaction as the document, so the numbers a search sums
are exactly those of the documents its transaction sees.

Writers never update a shared counter (two rebuild workers would wait on each other's row locks
for a whole chunk, and could deadlock): each write appends delta rows (-1 for the old document,
+1 for the new one). `sach_search_tally_compact()` folds the committed deltas into one row per
(class, term) under a transaction-level advisory lock that a writer only *tries* to take (never
waits); it runs every 512th document write, after explicit index commits (end of a rebuild) and
in this migration. Between two compactions a search sums at most a few thousand extra rows.

Revision ID: b9e4d2a7c1f6
Revises: c4e7a1d9f035
Create Date: 2026-12-06 21:40:00
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "b9e4d2a7c1f6"
down_revision = "c4e7a1d9f035"
branch_labels = None
depends_on = None

_KEY = "site_id, state, capacity, dataset_type, permission_labels"
# pg_try_advisory_xact_lock key of the compaction (any constant of this extension's own).
_COMPACT_LOCK = 7_224_104_514


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE IF NOT EXISTS sach_search_tally (
            site_id text NOT NULL,
            state text,
            capacity text,
            dataset_type text,
            permission_labels text[] NOT NULL,
            term integer NOT NULL,
            n bigint NOT NULL
        )
        """
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS sach_search_tally_key_idx "
        "ON sach_search_tally (site_id, term)"
    )
    op.execute("CREATE SEQUENCE IF NOT EXISTS sach_search_tally_writes")
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION sach_search_tally_compact() RETURNS boolean
        LANGUAGE plpgsql AS $$
        BEGIN
          IF NOT pg_try_advisory_xact_lock({_COMPACT_LOCK}) THEN
            RETURN false;  -- another transaction is compacting: its result stands
          END IF;
          WITH moved AS (DELETE FROM sach_search_tally RETURNING *)
          INSERT INTO sach_search_tally ({_KEY}, term, n)
            SELECT {_KEY}, term, sum(n) FROM moved
            GROUP BY {_KEY}, term HAVING sum(n) <> 0;
          RETURN true;
        END
        $$
        """
    )
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION sach_search_doc_tally() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND NEW.site_id = OLD.site_id
             AND NEW.state IS NOT DISTINCT FROM OLD.state
             AND NEW.capacity IS NOT DISTINCT FROM OLD.capacity
             AND NEW.dataset_type IS NOT DISTINCT FROM OLD.dataset_type
             AND NEW.permission_labels = OLD.permission_labels
             AND NEW.facet_terms = OLD.facet_terms THEN
            RETURN NULL;  -- same class, same terms: nothing to count again
          END IF;
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO sach_search_tally ({_KEY}, term, n)
              SELECT OLD.site_id, OLD.state, OLD.capacity, OLD.dataset_type,
                     OLD.permission_labels, t.term, -1
              FROM unnest(array_prepend(0, OLD.facet_terms)) AS t(term);
          END IF;
          IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO sach_search_tally ({_KEY}, term, n)
              SELECT NEW.site_id, NEW.state, NEW.capacity, NEW.dataset_type,
                     NEW.permission_labels, t.term, 1
              FROM unnest(array_prepend(0, NEW.facet_terms)) AS t(term);
          END IF;
          IF nextval('sach_search_tally_writes') % 512 = 0 THEN
            PERFORM sach_search_tally_compact();
          END IF;
          RETURN NULL;
        END
        $$
        """
    )
    op.execute("DROP TRIGGER IF EXISTS sach_search_doc_tally ON sach_search_doc")
    op.execute(
        "CREATE TRIGGER sach_search_doc_tally AFTER INSERT OR UPDATE OR DELETE "
        "ON sach_search_doc FOR EACH ROW EXECUTE FUNCTION sach_search_doc_tally()"
    )
    # The documents already indexed (and nothing else: a replay after `clean_db` starts over).
    op.execute("LOCK TABLE sach_search_doc IN SHARE MODE")
    op.execute("DELETE FROM sach_search_tally")
    op.execute(
        f"""
        INSERT INTO sach_search_tally ({_KEY}, term, n)
          SELECT d.site_id, d.state, d.capacity, d.dataset_type, d.permission_labels, t.term,
                 count(*)
          FROM sach_search_doc AS d
          CROSS JOIN LATERAL unnest(array_prepend(0, d.facet_terms)) AS t(term)
          GROUP BY d.site_id, d.state, d.capacity, d.dataset_type, d.permission_labels, t.term
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS sach_search_doc_tally ON sach_search_doc")
    op.execute("DROP FUNCTION IF EXISTS sach_search_doc_tally()")
    op.execute("DROP FUNCTION IF EXISTS sach_search_tally_compact()")
    op.execute("DROP SEQUENCE IF EXISTS sach_search_tally_writes")
    op.execute("DROP TABLE IF EXISTS sach_search_tally")
