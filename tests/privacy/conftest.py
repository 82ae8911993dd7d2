"""Fixtures of the personal-data guard tests.

- ``make_dataset`` creates a valid dataset through the real action.
- ``officer`` is an editor of a dependencia, with an API token.
"""
from __future__ import annotations

import functools
from typing import Any

import pytest

from ckan.tests import factories

from tests.factories import dataset_of, dataset_payload

# A valid dataset without resources as a payload (tests add name, title and owner_org).
DATASET: dict[str, Any] = dataset_payload(name=None, title=None, resources=[])


@pytest.fixture
def make_dataset():
    """``make_dataset(org, **fields)``: a valid dataset without resources (tests upload theirs)."""
    return functools.partial(dataset_of, resources=[])


@pytest.fixture
def officer():
    """An editor of a new dependencia: {"user", "org", "token", "headers"}."""
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    token = factories.APIToken(user=user["name"])
    return {"user": user, "org": org, "token": token["token"], "headers": {"Authorization": token["token"]}}


REVIEWER_ORG = "coordinacion-general-de-transparencia"


def headers_of(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


@pytest.fixture
def reviewer():
    """An editor of the Coordinación General de Transparencia (a privacy reviewer)."""
    from ckan import model

    user = factories.User()
    org = model.Group.get(REVIEWER_ORG)
    if org is None:
        org_dict = factories.Organization(name=REVIEWER_ORG, title="Coordinación General de Transparencia",
                                          users=[{"name": user["name"], "capacity": "editor"}])
    else:
        import ckan.plugins.toolkit as tk

        tk.get_action("organization_member_create")(
            {"ignore_auth": True}, {"id": org.id, "username": user["name"], "role": "editor"})
        org_dict = {"id": org.id, "name": org.name}
    return {"user": user, "org": org_dict, "headers": headers_of(user)}


def run_worker() -> int:
    """Run the queued jobs through RQ (SimpleWorker, burst) on the test Redis; returns jobs run."""
    import rq

    from ckan.lib import jobs as ckan_jobs

    queue = ckan_jobs.get_queue()
    count = queue.count
    worker = rq.SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=True, with_scheduler=False)
    return count


@pytest.fixture
def empty_queue():
    from ckan.lib import jobs as ckan_jobs

    queue = ckan_jobs.get_queue()
    queue.empty()
    yield queue
    queue.empty()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """test.ini turns link scanning off for the other test packages; the guard's own tests run
    with the production default (on)."""
    for item in items:
        if "/tests/privacy/" in str(item.path):
            item.add_marker(pytest.mark.ckan_config("ckanext.sach.privacy.scan_links", True))
