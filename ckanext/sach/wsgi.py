"""WSGI entry point for production servers: ``gunicorn ckanext.sach.wsgi:application``.

Reads the configuration file named by ``CKAN_INI`` (default ``ckan.ini`` in the current
directory), as CKAN's own ``ckan run`` does.
"""
from __future__ import annotations

import os

from ckan.cli import load_config
from ckan.config.middleware import make_app

config = load_config(os.path.abspath(os.environ.get("CKAN_INI", "ckan.ini")))
application = make_app(config)
