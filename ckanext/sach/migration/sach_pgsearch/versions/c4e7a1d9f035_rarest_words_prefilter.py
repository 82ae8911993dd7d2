"""A narrower index condition for free text that needs only some of its words (Solr's `mm`).

CKAN asks dismax for `2<-1 5<80%`: "atlas de riesgos" matches a dataset with any two of its three
words. A dataset with at least k of n words always has at least one word of ANY n-k+1 of them, so
the GIN index only has to read the posting lists of n-k+1 words; which ones does not change the
result (every candidate is still checked for k of n). A chosen word whose query is empty matches
nothing and is left out: a dataset must then have one of the remaining chosen words (with e such
words, k of the other n-e, so one of any n-e-k+1 of them); if none remains nothing can match
and the function returns NULL (no rows), which is the right answer. This function picks the words that are not
stopwords of the text configuration first: a stopword (`de`, `la`, `the`) is dropped by the
stemmed analysis and survives only in the unstemmed `simple` form, where its posting list holds
nearly every dataset.

IMMUTABLE like the other text functions: with constant arguments PostgreSQL computes it once at
planning time, and the GIN index sees a constant tsquery.

Revision ID: c4e7a1d9f035
Revises: a2c6e8f4d1b3
Create Date: 2026-12-06 18:05:00
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e7a1d9f035"
down_revision = "a2c6e8f4d1b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION sach_search_any_word(cfg regconfig, words text[], needed integer)
        RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT string_agg('(' || c.query::text || ')', ' | ' ORDER BY c.ord)
                   FILTER (WHERE numnode(c.query) > 0)::tsquery
          FROM (
            SELECT q.ord, q.query FROM (
              SELECT w.ord, sach_search_tsquery(cfg, w.word) AS query,
                     numnode(plainto_tsquery(cfg, sach_unaccent(w.word))) = 0 AS stopword
              FROM unnest(words) WITH ORDINALITY AS w(word, ord)
            ) AS q
            -- words that match nothing and stopwords only when there are not enough others
            ORDER BY numnode(q.query) = 0, q.stopword, q.ord
            LIMIT needed
          ) AS c
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS sach_search_any_word(regconfig, text[], integer)")
