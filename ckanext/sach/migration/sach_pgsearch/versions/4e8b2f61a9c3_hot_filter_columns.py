"""Plain columns for the filters CKAN adds to every search (state, capacity, dataset type,
permission labels), so that they never need the JSON document.

Revision ID: 4e8b2f61a9c3
Revises: 9c1e5a7d2b40
Create Date: 2026-11-24 13:35:00
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "4e8b2f61a9c3"
down_revision = "9c1e5a7d2b40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE sach_search_doc
          ADD COLUMN IF NOT EXISTS state text,
          ADD COLUMN IF NOT EXISTS capacity text,
          ADD COLUMN IF NOT EXISTS dataset_type text,
          ADD COLUMN IF NOT EXISTS permission_labels text[] NOT NULL DEFAULT '{}'
        """
    )
    op.execute(
        """
        UPDATE sach_search_doc SET
          state = fields -> 'state' ->> 0,
          capacity = fields -> 'capacity' ->> 0,
          dataset_type = fields -> 'dataset_type' ->> 0,
          permission_labels = COALESCE(ARRAY(
            SELECT jsonb_array_elements_text(fields -> 'permission_labels')), '{}')
        """
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS sach_search_doc_permission_labels_idx "
        "ON sach_search_doc USING gin (permission_labels)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS sach_search_doc_site_state_idx "
        "ON sach_search_doc (site_id, state, capacity)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS sach_search_doc_site_state_idx")
    op.execute("DROP INDEX IF EXISTS sach_search_doc_permission_labels_idx")
    op.execute(
        """
        ALTER TABLE sach_search_doc
          DROP COLUMN IF EXISTS permission_labels,
          DROP COLUMN IF EXISTS dataset_type,
          DROP COLUMN IF EXISTS capacity,
          DROP COLUMN IF EXISTS state
        """
    )
