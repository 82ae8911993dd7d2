"""CKAN's request proxy, typed as the Flask request it stands for.

``tk.request`` is a ``CKANRequest``: a werkzeug ``LocalProxy[Request]`` that hands every
attribute to the current Flask request at run time, which the type checkers cannot see through
(``"CKANRequest" has no attribute "form"``). ``request`` here is that same proxy object, only
typed as ``flask.Request``: falsy outside a request, as ``tk.request`` is.
"""
from __future__ import annotations

from typing import cast

import flask

import ckan.plugins.toolkit as tk

__all__ = ["request"]

request = cast("flask.Request", tk.request)
