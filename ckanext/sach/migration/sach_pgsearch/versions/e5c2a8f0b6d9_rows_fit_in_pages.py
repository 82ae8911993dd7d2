"""Keep what every search reads (filters, permission labels, the search vector, the filter
document) inside the table's rows: a larger TOAST target leaves them inline while the big stored
documents (doc, data_dict, validated_data_dict) still go out of line, and the permission labels are
never moved out (every anonymous search tests them).

Existing rows keep their layout until `ckan search-index rebuild`.

Revision ID: e5c2a8f0b6d9
Revises: d1a6e9b3c4f7
Create Date: 2026-11-24 14:35:00
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "e5c2a8f0b6d9"
down_revision = "d1a6e9b3c4f7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE sach_search_doc SET (toast_tuple_target = 4080)")
    op.execute("ALTER TABLE sach_search_doc ALTER COLUMN permission_labels SET STORAGE MAIN")


def downgrade() -> None:
    op.execute("ALTER TABLE sach_search_doc ALTER COLUMN permission_labels SET STORAGE EXTENDED")
    op.execute("ALTER TABLE sach_search_doc RESET (toast_tuple_target)")
