"""Alembic environment for the tables of the `sach` plugin (version table
``sach_alembic_version``; autogenerate compares only tables named ``sach…``)."""
from ckan.model.meta import metadata

from ckanext.sach.migration.environment import run

run(__file__, metadata)
