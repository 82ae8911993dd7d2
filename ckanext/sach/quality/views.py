"""``/calidad``: quality report of the officer's own dependencias (sysadmins: all)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.sach import dates

from . import report
from .helpers import FRESHNESS_LABELS

__all__ = ["get_blueprints"]

blueprint = Blueprint("sach_quality", __name__)


@blueprint.route("/calidad")
def index() -> Any:
    user = tk.g.userobj
    if not user:
        return tk.abort(
            403, tk._("Inicie sesión como responsable de una dependencia para ver la calidad de sus datos."))
    context: Context = {"user": user.name, "auth_user_obj": user}
    if user.sysadmin:
        fq = ""
        orgs = None
    else:
        orgs = tk.get_action("organization_list_for_user")(
            context.copy(), {"id": user.id, "permission": "create_dataset"})
        if not orgs:
            return tk.abort(403, tk._("Sólo los responsables de una dependencia pueden ver esta página."))
        fq = "+owner_org:(" + " OR ".join(f'"{o["id"]}"' for o in orgs) + ")"
    entries = report.report(report.iter_datasets(context, fq))
    return tk.render("sach/quality/report.html", extra_vars={
        "entries": entries, "freshness_labels": FRESHNESS_LABELS, "today": dates.today(),
    })


def get_blueprints() -> list[Any]:
    return [blueprint]
