"""Template helpers of the Data API section and the views."""
from __future__ import annotations

import json
import shlex
from typing import Any

from ckanext.sach.explore import api

__all__ = ["sach_data_api"]


def sach_data_api(resource: dict[str, Any]) -> dict[str, Any]:
    """Endpoint, a ``datastore_search`` example (URL and curl) and dump links of a loaded resource."""
    rid = resource["id"]
    body = json.dumps({"resource_id": rid, "limit": 5}, ensure_ascii=False)
    return {
        "endpoint": api.endpoint(),
        "search_url": api.search_url(rid),
        "curl": f"curl -X POST {api.endpoint()} \\\n  -H 'Content-Type: application/json' \\\n  -d {shlex.quote(body)}",
        "dumps": api.dump_links(rid),
        "docs": api.DATASTORE_API_DOCS,
    }
