"""Personal-data guard: who uploaded each scanned file (four eyes) and reviews that outlive a purge.

Revision ID: sach_0003_privacy_four_eyes
Revises: sach_0002_privacy
Create Date: 2026-12-02 23:30:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sach_0003_privacy_four_eyes"
down_revision = "sach_0002_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # id of the user who uploaded or last replaced the scanned file (never its reviewer)
    op.add_column("sach_privacy_scan", sa.Column("uploaded_by", sa.UnicodeText, nullable=True))
    # the dataset as it was when reviewed: the trail stays readable after a purge
    op.add_column("sach_privacy_review", sa.Column("package_name", sa.UnicodeText, nullable=True))
    op.add_column("sach_privacy_review", sa.Column("package_title", sa.UnicodeText, nullable=True))
    # JSON: the files reviewed (resource id, name, status, counts per detector), never values
    op.add_column("sach_privacy_review", sa.Column("files", sa.UnicodeText, nullable=True))
    # a scan row may be deleted with its purged dataset while the review row stays
    op.drop_constraint("sach_privacy_scan_review_id_fkey", "sach_privacy_scan", type_="foreignkey")


def downgrade() -> None:
    op.create_foreign_key("sach_privacy_scan_review_id_fkey", "sach_privacy_scan", "sach_privacy_review",
                          ["review_id"], ["id"])
    op.drop_column("sach_privacy_review", "files")
    op.drop_column("sach_privacy_review", "package_title")
    op.drop_column("sach_privacy_review", "package_name")
    op.drop_column("sach_privacy_scan", "uploaded_by")
