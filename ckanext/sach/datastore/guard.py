"""The personal-data guard over the DataStore.

- :func:`may_load`: a file whose personal-data scan is pending, failed, incomplete or has
  findings nobody reviewed (:func:`ckanext.sach.privacy.guard.file_restricted`) is not loaded
  (xloader's ``IXloader.can_upload``). When its scan later comes back clean,
  :func:`after_scan` submits it.
- :func:`after_review`: a review that clears a dataset's findings submits its held-back files.
- :func:`after_scan`: a scan that finds personal data in a file whose table is loaded deletes
  the table at once (``datastore_delete`` with ``force``), whatever the dataset's visibility.
- :func:`check_before_load`: the job checks again just before it writes the table (a file
  replaced, or scanned, after its load was submitted is not loaded).
- :func:`drop_failed`: a load that ends in error leaves no table (no half-loaded data).

Who may read a table: CKAN's DataStore asks ``resource_show`` for ``datastore_search``,
``datastore_info`` and the dump, so a private dataset's tables answer only its dependencia
(and sysadmins); ``datastore_search_sql`` is off (``ckan.datastore.sqlsearch.enabled`` is not
set) and, if a site turns it on, CKAN checks ``resource_show`` on every table of the query.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.plugins import plugin_loaded

from ckanext.sach.privacy import guard as privacy_guard

log = logging.getLogger(__name__)


def may_load(resource_id: str) -> bool:
    if privacy_guard.file_restricted(resource_id):
        log.info("Resource %s not loaded into the DataStore: personal-data review pending", resource_id)
        return False
    return True


def table_exists(resource_id: str) -> bool:
    try:
        tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return False
    return True


def delete_table(resource_id: str, reason: str) -> bool:
    """Drop the resource's DataStore table (and its ``datastore_active`` flag); True if one existed."""
    if not table_exists(resource_id):
        return False
    tk.get_action("datastore_delete")({"ignore_auth": True}, {"resource_id": resource_id, "force": True})
    log.warning("DataStore table of resource %s deleted: %s", resource_id, reason)
    return True


def after_scan(resource_id: str | None, submit: bool = True) -> None:
    """Called after a personal-data scan of ``resource_id`` is stored."""
    if not resource_id or not plugin_loaded("datastore"):
        return
    if privacy_guard.file_restricted(resource_id):
        delete_table(resource_id, "personal data found (or review pending) in its file")
    elif submit and plugin_loaded("xloader") and not table_exists(resource_id):
        submit_load(resource_id)


def after_review(package_id: str | None) -> None:
    """After a personal-data review of a dataset: each of its files the guard no longer holds
    back and that has no table is submitted (one still held back keeps no table)."""
    from ckan import model

    pkg = model.Package.get(package_id) if package_id else None
    if pkg is None:
        return
    for res in pkg.resources:
        after_scan(res.id)


class PersonalDataPendingError(Exception):
    """Raised inside xloader's job to stop a load whose file may not be loaded (any more)."""


def check_before_load(resource_id: str) -> None:
    """Checked again by the job, just before it writes the table: the file may have been
    replaced, or its scan stored, after the load was submitted."""
    if not may_load(resource_id):
        raise PersonalDataPendingError(
            "Personal data review pending: the file is not loaded into the DataStore")


def loadable(fmt: str | None) -> bool:
    """Whether files of this format are loaded (``ckanext.xloader.formats``, JSON included by
    default: see ``SachDatastorePlugin.update_config``)."""
    from ckanext.xloader.utils import XLoaderFormats

    return XLoaderFormats.is_it_an_xloader_format(fmt or "")


def submit_load(resource_id: str) -> None:
    """Submit a file to be loaded if its format is one that is loaded (:func:`loadable`)."""
    from ckan import model

    from ckanext.sach.datastore import token

    res = model.Resource.get(resource_id)
    if res is None or res.state != "active" or not loadable(res.format):
        return
    token.ensure()
    try:
        tk.get_action("xloader_submit")({"ignore_auth": True}, {"resource_id": resource_id})
    except tk.ValidationError:
        log.exception("Could not submit resource %s to the DataStore", resource_id)


EMPTY = "No entries found - nothing to load"


def fail_if_empty(data_dict: dict[str, Any]) -> None:
    """A load reported complete whose table has no rows is reported as an error instead."""
    resource_id = (data_dict.get("metadata") or {}).get("resource_id")
    if data_dict.get("status") != "complete" or not resource_id:
        return
    try:
        info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        return
    if not (info.get("meta") or {}).get("count"):
        data_dict["status"] = "error"
        data_dict["error"] = EMPTY  # text, as xloader sends its errors


def drop_failed(data_dict: dict[str, Any]) -> None:
    """After xloader reports an error for a load: no table stays behind."""
    metadata = data_dict.get("metadata") or {}
    resource_id = metadata.get("resource_id")
    if data_dict.get("status") == "error" and resource_id:
        delete_table(resource_id, "the load failed")
