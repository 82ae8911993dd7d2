"""What the `sach` plugin registers through `tk.blanket`.

Each area of the extension keeps its own module with an ``__all__``; this module
only gathers them, so that ``plugin.py`` stays thin and areas do not edit each
other's files.
"""
from __future__ import annotations

import functools
import importlib
import inspect
from typing import Any

import ckan.plugins as p

ACTION_MODULES = ["ckanext.sach.logic.action", "ckanext.sach.microsite.action", "ckanext.sach.dcat.actions",
                  "ckanext.sach.privacy.action", "ckanext.sach.coverage.action",
                  "ckanext.sach.logic.guards", "ckanext.sach.logic.hidden", "ckanext.sach.logic.search_params",
                  "ckanext.sach.logic.index_errors"]
AUTH_MODULES = ["ckanext.sach.logic.auth", "ckanext.sach.microsite.auth",
                "ckanext.sach.privacy.auth", "ckanext.sach.coverage.auth"]
HELPER_MODULES = ["ckanext.sach.helpers", "ckanext.sach.vocab.helpers", "ckanext.sach.dcat.helpers",
                  "ckanext.sach.quality.helpers", "ckanext.sach.privacy.helpers",
                  "ckanext.sach.microsite.helpers", "ckanext.sach.web.language", "ckanext.sach.web.images",
                  "ckanext.sach.explore.helpers"]
VALIDATOR_MODULES = ["ckanext.sach.logic.validators", "ckanext.sach.microsite.validators"]
VIEW_MODULES = ["ckanext.sach.home.views", "ckanext.sach.microsite.views", "ckanext.sach.web.language",
                "ckanext.sach.dcat.views",
                "ckanext.sach.privacy.views", "ckanext.sach.quality.views", "ckanext.sach.coverage.views",
                "ckanext.sach.bulk.views", "ckanext.sach.views.unavailable",
                "ckanext.sach.logic.search_params", "ckanext.sach.views.sitemap", "ckanext.sach.explore.views"]


def _public(modules: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in modules:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            value = getattr(module, attr)
            found[attr] = _chain(found[attr], value) if attr in found else value
    return found


_CHAIN_MARKS = ("chained_action", "chained_auth_function")


def _chain(inner: Any, outer: Any) -> Any:
    """Two modules chaining the same action (or auth function): ``outer`` (the module listed
    later) runs first and calls ``inner``, which calls CKAN's function."""
    mark = next((m for m in _CHAIN_MARKS if getattr(inner, m, False) and getattr(outer, m, False)), None)
    if mark is None:
        raise ValueError(f"{getattr(outer, '__name__', outer)!r} is registered twice and is not chained")

    def chained(next_func: Any, *args: Any) -> Any:
        return outer(functools.partial(inner, next_func), *args)

    for source in (inner, outer):
        for key, value in source.__dict__.items():
            setattr(chained, key, value)
    chained.__name__ = getattr(outer, "__name__", "chained")
    chained.__doc__ = outer.__doc__ or inner.__doc__
    return chained


def _activity_action_names() -> set[str]:
    module = importlib.import_module("ckanext.activity.logic.action")
    return {name for name, value in vars(module).items()
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")}


_CORE_ACTION_MODULES = ["ckan.logic.action.get", "ckan.logic.action.create", "ckan.logic.action.update",
                        "ckan.logic.action.delete", "ckan.logic.action.patch", "ckanext.activity.logic.action",
                        "ckanext.dcat.logic"]


def _core_doc(name: str) -> str | None:
    for module_name in _CORE_ACTION_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        func = getattr(module, name, None)
        if inspect.isfunction(func) and func.__doc__:
            return func.__doc__
    return None


def _keep_core_docs(found: dict[str, Any]) -> None:
    """CKAN wraps a chained action in a ``functools.partial`` and copies only the function's
    ``__dict__`` onto it, so ``help_show`` (the API's documentation) answered partial's own
    docstring for every action this extension chains. A ``__doc__`` entry in the ``__dict__``
    is copied: the API keeps documenting the core action."""
    for name, value in found.items():
        if getattr(value, "chained_action", False):
            doc = _core_doc(name) or value.__doc__
            if doc:
                value.__dict__["__doc__"] = doc


def actions() -> dict[str, Any]:
    found = _public(ACTION_MODULES)
    _keep_core_docs(found)
    if not p.plugin_loaded("activity"):
        # The actions chained onto CKAN's activity plugin exist only with it (a site without
        # activity, or a test loading plugins one at a time, must not fail to build the registry).
        activity = _activity_action_names()
        found = {name: value for name, value in found.items()
                 if not (name in activity and getattr(value, "chained_action", False))}
    return found


def auth_functions() -> dict[str, Any]:
    return _public(AUTH_MODULES)


def helpers() -> dict[str, Any]:
    return _public(HELPER_MODULES)


def validators() -> dict[str, Any]:
    return _public(VALIDATOR_MODULES)


def blueprints() -> list[Any]:
    blueprints: list[Any] = []
    for name in VIEW_MODULES:
        blueprints.extend(importlib.import_module(name).get_blueprints())
    return blueprints


def cli_commands() -> list[Any]:
    from ckanext.sach.cli import sach

    return [sach]
