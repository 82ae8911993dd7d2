"""The API documents itself (``help_show``): the actions this extension chains onto CKAN's keep
CKAN's documentation instead of ``functools.partial``'s."""
from __future__ import annotations

from typing import Any

import pytest

from ckanext.sach import registry

pytestmark = pytest.mark.usefixtures("with_plugins")


def _chained_names() -> list[str]:
    return sorted(name for name, func in registry.actions().items() if getattr(func, "chained_action", False))


def test_every_chained_action_keeps_its_documentation(app: Any) -> None:
    names = _chained_names()
    assert {"member_list", "organization_list", "package_search", "tag_list"} <= set(names)
    for name in names:
        res = app.get("/api/3/action/help_show", query_string={"name": name})
        assert res.status_code == 200, name
        doc = res.json["result"] or ""
        assert "partial(func" not in doc and len(doc) > 40, (name, doc[:120])


def test_organization_list_help_is_ckans(app: Any) -> None:
    doc = app.get("/api/3/action/help_show", query_string={"name": "organization_list"}).json["result"]
    assert "organizations" in doc and ":param" in doc
