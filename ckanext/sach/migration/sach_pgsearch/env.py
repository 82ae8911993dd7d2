"""Alembic environment of the `sach_pgsearch` plugin (version table
``sach_pgsearch_alembic_version``)."""
from ckanext.sach.migration.environment import run

run(__file__)
