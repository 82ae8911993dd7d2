"""Tables of the personal-data guard (alembic revision ``sach_0002_privacy``).

``sach_privacy_scan``: one row per scan of a resource. ``summary`` holds the
scanner's result without values (counts, counts per column, sample
``(row, column)`` locations, column hints, error). A new scan of a resource
supersedes the previous ones.

``sach_privacy_review``: the audit trail. Rows are only ever inserted: who
(user id and name), when, the decision (a value of vocabulary
``personal_data``), its legal basis and the reason. A review covers the scans
that were blocking when it was recorded, and keeps the dataset's name and
title and the files reviewed (counts only) so it stays readable after the
dataset is purged (revision ``sach_0003_privacy_four_eyes``); scans of a
purged dataset are deleted.

``uploaded_by`` of a scan is the user who uploaded or last replaced the file:
that user never reviews it (four eyes).

A scan blocks publication while it is ``pending`` or ``error`` (never covered
by a review: the scan must run, see ``sach_privacy_rescan``) or while it is
``findings`` / ``incomplete`` without a review.
"""
from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import ckan.plugins.toolkit as tk
from ckan import model

BLOCKING = ("findings", "incomplete")
WAITING = ("pending", "error")
GATE = BLOCKING + WAITING
STATUSES = ("pending", "clean", "findings", "incomplete", "error")


def utcnow() -> datetime.datetime:
    """Now in UTC without a time zone: the columns are naive UTC, like CKAN's."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _uuid() -> str:
    return str(uuid.uuid4())


class PrivacyReview(tk.BaseModel):
    __tablename__ = "sach_privacy_review"

    id: Mapped[str] = mapped_column(sa.UnicodeText, primary_key=True, default=_uuid)
    package_id: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    user_id: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    user_name: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    decision: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    legal_basis: Mapped[str | None] = mapped_column(sa.UnicodeText)
    reason: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    scans_reviewed: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    package_name: Mapped[str | None] = mapped_column(sa.UnicodeText)
    package_title: Mapped[str | None] = mapped_column(sa.UnicodeText)
    files: Mapped[str | None] = mapped_column(sa.UnicodeText)

    def as_dict(self) -> dict[str, Any]:
        return {
            "package_name": self.package_name,
            "package_title": self.package_title,
            "files": json.loads(self.files) if self.files else [],
            "id": self.id,
            "package_id": self.package_id,
            "user_id": self.user_id,
            "user_name": self.user_name,
            "created": self.created.isoformat(),
            "decision": self.decision,
            "legal_basis": self.legal_basis,
            "reason": self.reason,
            "scans_reviewed": self.scans_reviewed,
        }


class PrivacyScan(tk.BaseModel):
    __tablename__ = "sach_privacy_scan"

    id: Mapped[str] = mapped_column(sa.UnicodeText, primary_key=True, default=_uuid)
    package_id: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    resource_id: Mapped[str | None] = mapped_column(sa.UnicodeText)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    finished: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime)
    status: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    source: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    format: Mapped[str | None] = mapped_column(sa.UnicodeText)
    total: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    summary: Mapped[str | None] = mapped_column(sa.UnicodeText)
    superseded: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    review_id: Mapped[str | None] = mapped_column(sa.UnicodeText)
    uploaded_by: Mapped[str | None] = mapped_column(sa.UnicodeText)

    @property
    def blocking(self) -> bool:
        """Keeps the dataset from public: pending/failed, or findings/incomplete without review."""
        if self.superseded:
            return False
        return self.status in WAITING or (self.status in BLOCKING and not self.review_id)

    @property
    def needs_review(self) -> bool:
        return self.status in BLOCKING and not self.review_id and not self.superseded

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "package_id": self.package_id,
            "resource_id": self.resource_id,
            "created": self.created.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None,
            "status": self.status,
            "source": self.source,
            "format": self.format,
            "total": self.total,
            "summary": json.loads(self.summary) if self.summary else None,
            "superseded": self.superseded,
            "review_id": self.review_id,
            "blocking": self.blocking,
            "needs_review": self.needs_review,
            "uploaded_by": self.uploaded_by,
        }


def current_scans(package_id: str) -> list[PrivacyScan]:
    return (model.Session.query(PrivacyScan)
            .filter(PrivacyScan.package_id == package_id, PrivacyScan.superseded.is_(False))
            .order_by(PrivacyScan.created).all())


def blocking_filter() -> Any:
    """Scans that keep a file from the public: waiting for a result, or with findings or
    incomplete and not reviewed."""
    return sa.or_(PrivacyScan.status.in_(WAITING),
                  sa.and_(PrivacyScan.status.in_(BLOCKING), PrivacyScan.review_id.is_(None)))


def blocking_scans(package_id: str, exclude_resources: set[str] | None = None,
                   waiting: bool = True) -> list[PrivacyScan]:
    """Current scans keeping the dataset from public (``waiting=False``: only those needing a review)."""
    query = model.Session.query(PrivacyScan).filter(
        PrivacyScan.package_id == package_id,
        PrivacyScan.superseded.is_(False),
        blocking_filter() if waiting else sa.and_(PrivacyScan.status.in_(BLOCKING),
                                                   PrivacyScan.review_id.is_(None)),
    ).order_by(PrivacyScan.created)
    scans = query.all()
    if exclude_resources:
        scans = [s for s in scans if s.resource_id not in exclude_resources]
    return scans


def supersede(resource_id: str) -> None:
    (model.Session.query(PrivacyScan)
     .filter(PrivacyScan.resource_id == resource_id, PrivacyScan.superseded.is_(False))
     .update({"superseded": True}, synchronize_session=False))


def reviews(package_id: str) -> list[PrivacyReview]:
    return (model.Session.query(PrivacyReview)
            .filter(PrivacyReview.package_id == package_id)
            .order_by(PrivacyReview.created.desc()).all())


def tables_exist() -> bool:
    return sa.inspect(model.Session.get_bind()).has_table("sach_privacy_scan")


def blocked_packages(package_ids: list[str]) -> set[str]:
    """Which of these datasets have blocking scans (one query)."""
    if not package_ids:
        return set()
    rows = (model.Session.query(PrivacyScan.package_id)
            .filter(PrivacyScan.package_id.in_(package_ids), PrivacyScan.superseded.is_(False),
                    blocking_filter())
            .distinct().all())
    return {r[0] for r in rows}


def last_uploader(resource_id: str) -> str | None:
    """Who uploaded or last replaced the file of a resource (from its newest scan)."""
    row = (model.Session.query(PrivacyScan.uploaded_by)
           .filter(PrivacyScan.resource_id == resource_id, PrivacyScan.uploaded_by.isnot(None))
           .order_by(PrivacyScan.created.desc()).first())
    return row[0] if row else None


def delete_scans(package_id: str) -> int:
    """Scans of a purged dataset go with it (its reviews stay: audit trail)."""
    return (model.Session.query(PrivacyScan).filter(PrivacyScan.package_id == package_id)
            .delete(synchronize_session=False))
