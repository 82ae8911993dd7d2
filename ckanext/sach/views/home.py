"""The catalogue home page: search box, temas and dependencias with counts,
newest and featured datasets and catalogue figures, from one cached search.

Plugin blueprints are registered before CKAN's core ones, so this rule for
``/`` is matched before ``home.index`` (which keeps existing for
``url_for('home.index')``).
"""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.sach.microsite import content

blueprint = Blueprint("sach_home", __name__)


@blueprint.route("/")
def index() -> str:
    data = content.home()
    return tk.render("sach/home.html", extra_vars={"home": data})
