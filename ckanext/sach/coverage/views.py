"""Public page ``/transparencia/cobertura``: obligation coverage with a chart and a table."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.sach.web.request import request

__all__ = ["get_blueprints"]

blueprint = Blueprint("sach_coverage", __name__)


@blueprint.route("/transparencia/cobertura")
def index() -> Any:
    version = request.args.get("version") or None
    try:
        data = tk.get_action("sach_obligation_coverage")({"user": tk.g.user}, {"version": version})
    except tk.ValidationError:
        return tk.abort(400, tk._("Versión de obligaciones desconocida."))
    return tk.render("sach/coverage/index.html", extra_vars={"data": data})


def get_blueprints() -> list[Any]:
    return [blueprint]
