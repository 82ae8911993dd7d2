"""Files with unreviewed findings stay with their dependencia.

While a resource has a blocking scan (unreviewed findings, incomplete,
pending or failed scan), only members of the dataset's dependencia, privacy
reviewers and sysadmins may open its page, download it or see its views; the
check runs before CKAN's resource views (see
:func:`ckanext.sach.privacy.views._guard_resource_pages`).

Not an auth chain of ``resource_show``: CKAN's dataset page lists every
resource's views through ``resource_view_list`` (which checks
``resource_show``) without catching a refusal, so refusing ``resource_show``
would turn the public dataset page into an error for everyone else.

When :mod:`ckanext.sach.privacy.guard` offers ``file_restricted(resource_id)``
its answer is used; otherwise the scans of the resource are read here.
"""
from __future__ import annotations

from typing import Any

from ckan import model

from . import guard, helpers
from . import model as pmodel

WAITING = ("pending", "error")


def restricted(resource_id: str) -> bool:
    rule = getattr(guard, "file_restricted", None)
    if callable(rule):
        return bool(rule(resource_id))
    scans = (model.Session.query(pmodel.PrivacyScan)
             .filter(pmodel.PrivacyScan.resource_id == resource_id,
                     pmodel.PrivacyScan.superseded.is_(False)).all())
    return any(s.blocking or s.status in WAITING for s in scans)


def may_read(user: Any, resource_id: str) -> bool:
    """Whether ``user`` (a model.User or None) may get the file of ``resource_id`` as far as the guard goes."""
    if not guard.enabled() or not restricted(resource_id):
        return True
    resource = model.Resource.get(resource_id)
    pkg = model.Package.get(resource.package_id) if resource is not None else None
    return pkg is None or helpers.is_member(user, pkg) or helpers.is_reviewer(user)
