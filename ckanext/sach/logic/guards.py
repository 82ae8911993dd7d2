"""Bad dataset payloads get a 409 (or 404) with a Spanish message, never a 500.

Chains the dataset actions reachable through the Action API and checks the
*shape* of the payload before CKAN (or another chain of this extension)
touches it:

- ``id``/``name`` of ``package_show``, ``package_update``, ``package_patch``,
  ``package_delete`` must be text: a list, object or number is refused with
  a validation error instead of reaching SQL (``operator does not exist``).
- ``package_create`` / ``package_update`` / ``package_patch``: every field
  of the dataset schema gets the JSON type it can hold — text fields a
  scalar, repeating fields (``contact``, ``spatial_coverage``…) a list of
  objects of scalars, multiple-value fields a list of scalars or a text,
  CKAN's own lists (``resources``, ``tags``, ``extras``, ``groups``) lists of
  objects of scalars. The fields come from the scheming schema, so new
  fields are covered without editing this module.
- Values that PostgreSQL cannot index or store are refused first: a title
  longer than ``TITLE_MAX`` characters (core's ``idx_pkg_stitle`` B-tree
  index), a resource URL longer than ``URL_MAX_BYTES`` (``idx_package_resource_url``)
  and NUL characters anywhere.
- ``package_create`` serialises creations of one name: a PostgreSQL
  advisory lock on the name, held until the transaction ends (waiters poll
  for 2 s at most, then get the 409), then a check that the name is free. Of N simultaneous
  creations exactly one succeeds; the others get a 409 "ya existe" and nothing is overwritten. A unique
  violation that still reaches the database becomes the same 409.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict

__all__ = [
    "group_activity_list",
    "group_package_show",
    "group_show",
    "member_list",
    "organization_activity_list",
    "organization_show",
    "package_activity_list",
    "package_create",
    "package_delete",
    "package_patch",
    "package_show",
    "package_update",
    "resource_show",
    "tag_show",
    "user_activity_list",
    "user_show",
]

TITLE_MAX = 500
URL_MAX_BYTES = 2000
TEXT_MAX_BYTES = 1_000_000
LOCK_NAMESPACE = 0x5AC4  # first key of pg_advisory_xact_lock(int, int): "dataset name"

SCALARS = (str, int, float, bool, type(None))
# CKAN's own list fields of a dataset: lists of objects whose values are scalars
CORE_OBJECT_LISTS = ("resources", "tags", "extras", "groups",
                     "relationships_as_object", "relationships_as_subject")
# CKAN's own text fields of a dataset (the schema adds its own)
CORE_SCALARS = ("id", "name", "title", "notes", "owner_org", "state", "type", "private", "url",
                "version", "author", "author_email", "maintainer", "maintainer_email", "license_id")


def _msg_text() -> str:
    return tk._("Debe ser un texto, no una lista ni un objeto.")


def _msg_list() -> str:
    return tk._("Debe ser una lista de objetos.")


def _schema(data_dict: DataDict) -> dict[str, Any]:
    dataset_type = data_dict.get("type")
    if not isinstance(dataset_type, str) or not dataset_type:
        dataset_type = "dataset"
    try:
        from ckanext.scheming.helpers import scheming_get_dataset_schema
    except ImportError:  # scheming not installed: CKAN's own fields only
        return {}
    return scheming_get_dataset_schema(dataset_type) or scheming_get_dataset_schema("dataset") or {}


def _is_multiple(field: dict[str, Any]) -> bool:
    """Fields whose value is a list of scalars (checkboxes, multiple selects, multiple text)."""
    hints = " ".join(str(field.get(k) or "") for k in ("preset", "validators", "output_validators",
                                                       "form_snippet", "display_snippet"))
    return "multiple" in hints or "checkboxes" in hints or "_list" in hints or bool(field.get("multiple"))


def _nul(value: Any) -> bool:
    return isinstance(value, str) and "\x00" in value


def _scalar_error(value: Any) -> str | None:
    if not isinstance(value, SCALARS):
        return _msg_text()
    if _nul(value):
        return tk._("No puede contener el carácter nulo (NUL).")
    if isinstance(value, str) and len(value.encode("utf-8", "surrogatepass")) > TEXT_MAX_BYTES:
        return tk._("El texto es demasiado largo.")
    return None


def _object_list_errors(value: Any, subfields: dict[str, dict[str, Any]] | None) -> Any:
    """Errors of a list of objects of scalars (``None`` when fine); subfields that are
    themselves multiple may hold a list of scalars."""
    if value is None:
        return None
    if not isinstance(value, list):
        return [_msg_list()]
    errors: list[Any] = []
    found = False
    for item in value:
        if not isinstance(item, dict):
            errors.append({"": [_msg_list()]})
            found = True
            continue
        item_errors: dict[str, list[str]] = {}
        for key, sub in item.items():
            if not isinstance(key, str) or _nul(key):
                item_errors["key"] = [tk._("Nombre de campo no válido.")]
                continue
            field = (subfields or {}).get(key)
            if field is not None and _is_multiple(field) and isinstance(sub, list):
                bad = next((e for e in map(_scalar_error, sub) if e), None)
                if bad or any(isinstance(s, (list, dict)) for s in sub):
                    item_errors[key] = [bad or _msg_text()]
                continue
            if key == "upload":  # files: ckanext.sach.logic.uploads decides
                continue
            message = _scalar_error(sub)
            if message:
                item_errors[key] = [message]
        errors.append(item_errors)
        found = found or bool(item_errors)
    return errors if found else None


def _shape_errors(data_dict: DataDict) -> dict[str, Any]:
    schema = _schema(data_dict)
    dataset_fields = {f["field_name"]: f for f in schema.get("dataset_fields", [])}
    resource_fields = {f["field_name"]: f for f in schema.get("resource_fields", [])}
    errors: dict[str, Any] = {}
    for key, value in data_dict.items():
        if not isinstance(key, str):
            continue
        field = dataset_fields.get(key)
        if field is None and key not in CORE_SCALARS and key not in CORE_OBJECT_LISTS:
            continue  # not stored as given (e.g. ``organization`` of package_show's output)
        found: str | list[Any] | None
        if key in CORE_OBJECT_LISTS and value is None:
            found = [_msg_list()]  # CKAN iterates them: omit the key instead of sending null
        elif key == "resources":
            found = _object_list_errors(value, resource_fields)
        elif key in CORE_OBJECT_LISTS:
            found = _object_list_errors(value, None)
        elif field is not None and field.get("repeating_subfields"):
            subfields = {f["field_name"]: f for f in field["repeating_subfields"]}
            # text: JSON sent by a form (multipart API calls); scheming's validators decide
            found = _scalar_error(value) if isinstance(value, str) else _object_list_errors(value, subfields)
            found = [found] if isinstance(found, str) else found
        elif field is not None and _is_multiple(field):
            if isinstance(value, list):
                bad = next((e for e in map(_scalar_error, value) if e), None)
                found = [bad] if bad else None
            else:
                message = _scalar_error(value)
                found = [message] if message else None
        else:
            message = _scalar_error(value)
            found = [message] if message else None
        if found:
            # CKAN's ValidationError reads tag errors as [{"name": [...]}]
            errors[key] = [{"name": [_msg_list()]}] if key == "tags" else found
    _length_errors(data_dict, errors)
    return errors


def _length_errors(data_dict: DataDict, errors: dict[str, Any]) -> None:
    title = data_dict.get("title")
    if "title" not in errors and isinstance(title, str) and len(title) > TITLE_MAX:
        errors["title"] = [tk._("El título es demasiado largo: como máximo {max} caracteres.").format(max=TITLE_MAX)]
    resources = data_dict.get("resources")
    if "resources" in errors or not isinstance(resources, list):
        return
    found = False
    res_errors: list[dict[str, list[str]]] = []
    for res in resources:
        url = res.get("url") if isinstance(res, dict) else None
        if isinstance(url, str) and len(url.encode("utf-8", "surrogatepass")) > URL_MAX_BYTES:
            res_errors.append({"url": [tk._("La URL es demasiado larga: como máximo {max} bytes.").format(
                max=URL_MAX_BYTES)]})
            found = True
        else:
            res_errors.append({})
    if found:
        errors["resources"] = res_errors


# text fields that CKAN's validators turn into text anyway: numbers are passed on as text, so
# that code running before validation (other chains) only ever sees str or None there
TEXT_FIELDS = ("id", "name", "title", "notes", "owner_org", "state", "type", "url", "license_id", "tag_string",
               "version", "author", "maintainer")
RESOURCE_TEXT_FIELDS = ("id", "url", "name", "description", "format", "mimetype", "url_type")


def _numbers_as_text(target: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        value = target.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            target[key] = str(value)


DATASET_STATES = ("active", "draft", "deleted")


def _check_shape(data_dict: DataDict) -> None:
    errors = _shape_errors(data_dict)
    state = data_dict.get("state")
    if state not in (None, "") and state not in DATASET_STATES:
        # CKAN lets a sysadmin store any string as the state: such a dataset is neither listed
        # nor hidden by the rules of search, pages and DCAT
        errors["state"] = [tk._("Estado no válido: use active, draft o deleted.")]
    if errors:
        raise tk.ValidationError(errors)
    _numbers_as_text(data_dict, TEXT_FIELDS)
    for res in data_dict.get("resources") or []:
        _numbers_as_text(res, RESOURCE_TEXT_FIELDS)


def _check_ref(data_dict: DataDict, keys: tuple[str, ...] = ("id", "name")) -> None:
    """``id``/``name`` identifying a dataset: text without NUL, or a validation error."""
    for key in keys:
        value = data_dict.get(key)
        if value is None:
            continue
        if isinstance(value, sa.engine.Row) and len(value) == 1:
            # CKAN's own bulk actions pass the query row of an id (never reachable from JSON)
            value = data_dict[key] = value[0]
        if not isinstance(value, str):
            raise tk.ValidationError({key: [tk._("Debe ser el nombre o el id del conjunto de datos (un texto).")]})
        if "\x00" in value:
            raise tk.ObjectNotFound(tk._("Conjunto de datos no encontrado"))


LOCK_WAIT_SECONDS = 2.0


def _lock_name(key: str) -> bool:
    """The advisory lock of the name (released when the transaction ends). Waiters poll for at
    most ``LOCK_WAIT_SECONDS`` instead of blocking: a burst of creations of one name must not hold
    every pooled connection while the first one runs."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        got = model.Session.execute(sa.text("SELECT pg_try_advisory_xact_lock(:ns, hashtext(:name))"),
                                    {"ns": LOCK_NAMESPACE, "name": key}).scalar()
        if got:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _name_taken(name: str) -> tk.ValidationError:
    return tk.ValidationError({"name": [
        tk._("Ya existe un conjunto de datos con el nombre «{name}».").format(name=name)]})


def _translate_integrity(call: Callable[[], Any], name: Any) -> Any:
    try:
        return call()
    except sa_exc.IntegrityError as err:
        model.Session.rollback()
        if "package_name_key" in str(err.orig) or "unique" in str(err.orig).lower():
            raise _name_taken(str(name)) from err
        raise


def _dict_or_refuse(data_dict: Any) -> DataDict:
    if not isinstance(data_dict, dict):
        raise tk.ValidationError({"": [tk._("Los datos deben ser un objeto JSON.")]})
    return data_dict


@tk.chained_action
def package_create(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    data_dict = _dict_or_refuse(data_dict)
    _check_shape(data_dict)
    name = data_dict.get("name")
    if isinstance(name, str) and name.strip():
        key = name.strip()
        if not _lock_name(key):
            raise _name_taken(key)  # another request is creating this very name right now
        taken = model.Session.execute(
            sa.text("SELECT 1 FROM package WHERE name = :name AND state <> 'deleted'"), {"name": key}).first()
        if taken:
            raise _name_taken(key)
    return _translate_integrity(lambda: next_action(context, data_dict), name)


@tk.chained_action
def package_update(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    data_dict = _dict_or_refuse(data_dict)
    _check_ref(data_dict, ("id",))
    _check_shape(data_dict)
    return _translate_integrity(lambda: next_action(context, data_dict), data_dict.get("name"))


@tk.chained_action
def package_patch(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    data_dict = _dict_or_refuse(data_dict)
    _check_ref(data_dict, ("id",))
    _check_shape(data_dict)
    return _translate_integrity(lambda: next_action(context, data_dict), data_dict.get("name"))


@tk.chained_action
def package_delete(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    data_dict = _dict_or_refuse(data_dict)
    _check_ref(data_dict)
    return next_action(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def package_show(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    """Also: a refusal does not repeat the id or name asked for (it would confirm that a
    private dataset exists under that name)."""
    data_dict = _dict_or_refuse(data_dict)
    _check_ref(data_dict, ("id", "name_or_id"))
    try:
        return next_action(context, data_dict)
    except tk.NotAuthorized as err:
        raise tk.NotAuthorized(tk._("No tiene permiso para ver este conjunto de datos.")) from err


def _ref_guard(name: str, keys: tuple[str, ...]) -> Any:
    """A chain of ``name`` refusing ``keys`` that are not text (a 409, not a SQL error)."""

    def chained(next_action: Action, context: Context, data_dict: DataDict) -> Any:
        data_dict = _dict_or_refuse(data_dict)
        for key in keys:
            value = data_dict.get(key)
            if isinstance(value, sa.engine.Row) and len(value) == 1:
                value = data_dict[key] = value[0]
            if value is not None and not isinstance(value, str):
                raise tk.ValidationError({key: [tk._("Debe ser un texto, no una lista ni un objeto.")]})
            if isinstance(value, str) and "\x00" in value:
                raise tk.ObjectNotFound(tk._("No encontrado"))
        return next_action(context, data_dict)

    chained.__name__ = name
    chained.__doc__ = f"``{name}`` with {', '.join(keys)} checked to be text."
    return tk.side_effect_free(tk.chained_action(chained))


member_list = _ref_guard("member_list", ("id", "object_type", "capacity"))
tag_show = _ref_guard("tag_show", ("id", "vocabulary_id"))
organization_show = _ref_guard("organization_show", ("id",))
group_show = _ref_guard("group_show", ("id",))
group_package_show = _ref_guard("group_package_show", ("id",))
package_activity_list = _ref_guard("package_activity_list", ("id",))
organization_activity_list = _ref_guard("organization_activity_list", ("id",))
group_activity_list = _ref_guard("group_activity_list", ("id",))
user_activity_list = _ref_guard("user_activity_list", ("id",))
user_show = _ref_guard("user_show", ("id",))
resource_show = _ref_guard("resource_show", ("id",))
