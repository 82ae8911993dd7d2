"""A dataset whose texts are too large for the search index is refused with a 409, not a 500.

PostgreSQL's text-search vector holds at most 1 MB and a B-tree entry about 2.7 kB; a dataset
whose description (or resources, or extras) makes its search document larger cannot be indexed.
CKAN indexes inside the commit of ``package_create``/``package_update`` (every resource action and
``package_patch``/``package_revise`` go through ``package_update``), rolls the dataset back and
raises ``SearchIndexError``, which the API answers with a 500 and the dataset form with a 500
page. Chained here, that refusal (and only that one: other index failures stay server errors)
becomes a ``ValidationError`` with a Spanish message: a 409 in the API, the form's error list on
the page. Nothing is written: the transaction was already rolled back.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search.common import SearchIndexError
from ckan.types import Action, Context, DataDict

__all__ = ["package_create", "package_update"]

# What PostgreSQL says when a value does not fit the index (from the backend's pysolr.SolrError)
TOO_LARGE = ("too long for tsvector", "index row size", "index row requires", "exceeds maximum")


def _too_large(error: SearchIndexError) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in TOO_LARGE)


def _guarded(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    try:
        return next_action(context, data_dict)
    except SearchIndexError as error:
        if not _too_large(error):
            raise
        model.Session.rollback()
        raise tk.ValidationError({"search_index": [tk._(
            "El conjunto de datos es demasiado grande para el índice de búsqueda: acorte la "
            "descripción, los recursos o los campos adicionales e intente de nuevo.")]}) from None


@tk.chained_action
def package_create(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _guarded(next_action, context, data_dict)


@tk.chained_action
def package_update(next_action: Action, context: Context, data_dict: DataDict) -> Any:
    return _guarded(next_action, context, data_dict)
