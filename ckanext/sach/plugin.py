"""Plugins of ckanext-sach. Thin: every hook delegates to the module that owns it."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.sach import registry


@tk.blanket.actions(registry.actions)
@tk.blanket.auth_functions(registry.auth_functions)
@tk.blanket.helpers(registry.helpers)
@tk.blanket.validators(registry.validators)
@tk.blanket.blueprints(registry.blueprints)
@tk.blanket.cli(registry.cli_commands)
@tk.blanket.config_declarations
class SachPlugin(p.SingletonPlugin, DefaultTranslation):
    """The catalogue and microsite of San Andrés Cholula."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IConfigurable)
    p.implements(p.IPermissionLabels)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IGroupController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)

    # IGroupController, IOrganizationController (IPackageController's edit hook has the same
    # name and receives datasets): search shows a renamed group's new title
    def edit(self, entity: Any) -> None:
        from ckan import model

        from ckanext.sach import group_sync

        if isinstance(entity, model.Group):
            group_sync.on_group_edit(entity)

    # IMiddleware: headers, compression, proxies (ckanext.sach.web.middleware)
    def make_middleware(self, app: Any, config: Any) -> Any:
        from ckanext.sach.web import middleware

        return middleware.make_middleware(app, config)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "sach")

    # IConfigurable
    def configure(self, config: Any) -> None:
        from ckanext.sach import hooks

        hooks.configure(config)

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        from ckanext.sach import hooks

        return hooks.before_dataset_index(pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        from ckanext.sach import hooks

        return hooks.before_dataset_search(search_params)

    def after_dataset_search(
        self, search_results: dict[str, Any], search_params: dict[str, Any]
    ) -> dict[str, Any]:
        from ckanext.sach import hooks

        return hooks.after_dataset_search(search_results, search_params)

    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        from ckanext.sach import hooks

        hooks.after_dataset_change("create", context, pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        from ckanext.sach import hooks

        hooks.after_dataset_change("update", context, pkg_dict)

    def after_dataset_delete(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        from ckanext.sach import hooks

        hooks.after_dataset_change("delete", context, pkg_dict)

    # IResourceController: a table loaded into the DataStore gets its default views
    def after_resource_update(self, context: Any, resource: dict[str, Any]) -> None:
        from ckanext.sach.explore import hooks

        hooks.after_resource_update(context, resource)

    # IPermissionLabels (drafts: creator only; deleted: nobody but sysadmins)
    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        from ckanext.sach.logic import permission_labels

        return permission_labels.get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        from ckanext.sach.logic import permission_labels

        return permission_labels.get_user_dataset_labels(user_obj)

    # IFacets
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        from ckanext.sach import hooks

        return hooks.dataset_facets(facets_dict, package_type)


@tk.blanket.config_declarations("search/config_declaration.yaml")
class SachPgSearchPlugin(p.SingletonPlugin):
    """CKAN search on PostgreSQL: replaces the Solr connection of ckan.lib.search."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)

    # IPackageController: say when the facet counts are estimates (a sample of a broad search)
    def after_dataset_search(
        self, search_results: dict[str, Any], search_params: dict[str, Any]
    ) -> dict[str, Any]:
        from ckanext.sach.search import connection

        search_results["facets_estimated"] = connection.facets_estimated()
        return search_results

    # IConfigurer runs before CKAN's start-up Solr schema check; IConfigurable after it.
    def update_config(self, config: Any) -> None:
        from ckanext.sach import search

        search.install()

    def configure(self, config: Any) -> None:
        from ckanext.sach import search

        search.install()
