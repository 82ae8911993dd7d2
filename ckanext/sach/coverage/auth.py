"""Auth of the coverage figures: public (they count public datasets only)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["sach_obligation_coverage"]


@tk.auth_allow_anonymous_access
def sach_obligation_coverage(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}
