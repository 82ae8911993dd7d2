"""Participation requests: citizens ask for a dataset or comment on one.

Table created by the alembic migration ``sach_0001_requests``
(``ckan db upgrade -p sach``).
"""
from __future__ import annotations

import datetime
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import ckan.plugins.toolkit as tk
from ckan import model

KINDS = ("dataset", "comment")
STATUSES = ("new", "in_progress", "answered", "rejected")


def utcnow() -> datetime.datetime:
    """Now in UTC, naive: how CKAN's tables store timestamps."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class Request(tk.BaseModel):
    __tablename__ = "sach_request"

    id: Mapped[str] = mapped_column(
        sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4())
    )
    kind: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    title: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    body: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    package_id: Mapped[str | None] = mapped_column(sa.UnicodeText)
    organization_id: Mapped[str | None] = mapped_column(sa.UnicodeText)
    requester_name: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    requester_email: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    status: Mapped[str] = mapped_column(
        sa.UnicodeText, nullable=False, default="new"
    )
    answer: Mapped[str | None] = mapped_column(sa.UnicodeText)
    answered_by: Mapped[str | None] = mapped_column(sa.UnicodeText)
    answered_at: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime)
    created: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime, nullable=False, default=utcnow
    )
    modified: Mapped[datetime.datetime] = mapped_column(
        sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )

    @classmethod
    def get(cls, request_id: str) -> Request | None:
        return model.Session.get(cls, request_id)

    def public_dict(self) -> dict[str, Any]:
        """What anyone may see: never the requester's name or e-mail."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "body": self.body,
            "package_id": self.package_id,
            "organization_id": self.organization_id,
            "status": self.status,
            "answer": self.answer,
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "created": self.created.isoformat() if self.created else None,
        }

    def private_dict(self) -> dict[str, Any]:
        """For officers who may answer the request."""
        data = self.public_dict()
        data.update(
            requester_name=self.requester_name,
            requester_email=self.requester_email,
            answered_by=self.answered_by,
        )
        return data
