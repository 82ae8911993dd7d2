"""Personal-data scans of resources and the officers' reviews (audit trail).

Revision ID: sach_0002_privacy
Revises: sach_0001_requests
Create Date: 2026-11-24 13:40:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sach_0002_privacy"
down_revision = "sach_0001_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sach_privacy_review",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        # who (user id and name at the time), when, what, why
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("user_name", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        # a value of vocab personal_data: no (false positive), anonymised, public_by_law
        sa.Column("decision", sa.UnicodeText, nullable=False),
        sa.Column("legal_basis", sa.UnicodeText, nullable=True),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("scans_reviewed", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("sach_privacy_review_package_idx", "sach_privacy_review", ["package_id", "created"])
    op.create_table(
        "sach_privacy_scan",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("resource_id", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("finished", sa.DateTime, nullable=True),
        # pending, clean, findings, incomplete (size limit, unreadable), error (not reachable)
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("source", sa.UnicodeText, nullable=False),  # upload or link
        sa.Column("format", sa.UnicodeText, nullable=True),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        # counts, counts per column, sample locations (row, column): never values
        sa.Column("summary", sa.UnicodeText, nullable=True),
        sa.Column("superseded", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("review_id", sa.UnicodeText, sa.ForeignKey("sach_privacy_review.id"), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'clean', 'findings', 'incomplete', 'error')",
            name="sach_privacy_scan_status_check",
        ),
    )
    op.create_index("sach_privacy_scan_package_idx", "sach_privacy_scan", ["package_id"])
    op.create_index("sach_privacy_scan_resource_idx", "sach_privacy_scan", ["resource_id"])


def downgrade() -> None:
    op.drop_index("sach_privacy_scan_resource_idx", table_name="sach_privacy_scan")
    op.drop_index("sach_privacy_scan_package_idx", table_name="sach_privacy_scan")
    op.drop_table("sach_privacy_scan")
    op.drop_index("sach_privacy_review_package_idx", table_name="sach_privacy_review")
    op.drop_table("sach_privacy_review")
