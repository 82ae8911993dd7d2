"""Participation requests of the microsite (dataset requests and comments).

Revision ID: sach_0001_requests
Revises:
Create Date: 2026-11-24 13:15:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sach_0001_requests"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sach_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        # "dataset" (request a new dataset) or "comment" (on an existing one)
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False),
        # the dataset commented on (package.id), or the dependencia asked (group.id)
        sa.Column("package_id", sa.UnicodeText, nullable=True),
        sa.Column("organization_id", sa.UnicodeText, nullable=True),
        # private: never shown publicly, only to officers
        sa.Column("requester_name", sa.UnicodeText, nullable=False),
        sa.Column("requester_email", sa.UnicodeText, nullable=False),
        # "new", "in_progress", "answered", "rejected"
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="new"),
        sa.Column("answer", sa.UnicodeText, nullable=True),
        sa.Column("answered_by", sa.UnicodeText, nullable=True),
        sa.Column("answered_at", sa.DateTime, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("modified", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('dataset', 'comment')", name="sach_request_kind_check"),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'answered', 'rejected')",
            name="sach_request_status_check",
        ),
    )
    op.create_index("sach_request_created_idx", "sach_request", ["created"])
    op.create_index("sach_request_package_idx", "sach_request", ["package_id"])
    op.create_index("sach_request_status_idx", "sach_request", ["status"])


def downgrade() -> None:
    op.drop_index("sach_request_status_idx", table_name="sach_request")
    op.drop_index("sach_request_package_idx", table_name="sach_request")
    op.drop_index("sach_request_created_idx", table_name="sach_request")
    op.drop_table("sach_request")
