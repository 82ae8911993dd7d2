"""The officer's retry button: submit a resource's file to xloader again (POST only)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.types import Context

from . import guard, token

__all__ = ["get_blueprints"]

bp = Blueprint("sach_datastore", __name__)


@bp.route("/dataset/<id>/resource/<resource_id>/cargar-tabla", methods=["POST"])
def reload(id: str, resource_id: str) -> Any:
    context: Context = {"user": tk.g.user, "auth_user_obj": tk.g.userobj}
    try:
        tk.check_access("resource_update", context, {"id": resource_id})
        resource = tk.get_action("resource_show")(context, {"id": resource_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Recurso no encontrado"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("No tiene permiso para cargar este recurso como tabla."))
    if not guard.may_load(resource_id):
        tk.h.flash_error(tk._("El archivo no se carga como tabla mientras la revisión de datos "
                              "personales esté pendiente o tenga hallazgos sin revisar."))
    else:
        token.ensure()
        try:
            tk.get_action("xloader_submit")(context, {"resource_id": resource_id, "ignore_hash": True})
            tk.h.flash_success(tk._("Se volvió a pedir la carga del archivo como tabla."))
        except tk.ValidationError:
            tk.h.flash_error(tk._("No se pudo pedir la carga del archivo como tabla."))
    return tk.redirect_to("resource.read", id=resource["package_id"], resource_id=resource_id)


def get_blueprints() -> list[Blueprint]:
    return [bp]
