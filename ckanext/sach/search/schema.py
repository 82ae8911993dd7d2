"""The search table's migrations, callable from code (tests, `clean_db`) as well as from
`ckan db upgrade -p sach_pgsearch`."""
from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

import ckan.plugins.toolkit as tk
from ckan import model

import ckanext.sach.migration as _migration

MIGRATION_DIR = os.path.join(os.path.dirname(_migration.__file__), "sach_pgsearch")


def alembic_config() -> Config:
    config = Config(os.path.join(MIGRATION_DIR, "alembic.ini"))
    config.set_main_option("script_location", MIGRATION_DIR)
    config.set_main_option("sqlalchemy.url", tk.config["sqlalchemy.url"].replace("%", "%%"))
    return config


def upgrade(revision: str = "head") -> None:
    """Apply the plugin's migrations (idempotent)."""
    command.upgrade(alembic_config(), revision)


def engine() -> Engine:
    """CKAN's engine (``model.meta.engine`` is None only before ``model.init_model``)."""
    if model.meta.engine is None:
        raise RuntimeError("CKAN's database engine is not initialised")
    return model.meta.engine


def table_exists() -> bool:
    return sa.inspect(engine()).has_table("sach_search_doc")


def ensure(always_upgrade: bool = True) -> None:
    """Bring the search table to the latest revision, creating it if it is missing (e.g. after
    CKAN's test `clean_db` dropped every table). `always_upgrade=False` only checks that the table
    exists (cheap, for per-test resets)."""
    if always_upgrade or not table_exists():
        upgrade()
    if not table_exists():  # version table survived the table: replay from scratch
        command.stamp(alembic_config(), "base")
        upgrade()


def clear() -> None:
    """Remove every document of every site (tests only; `search-index clear` is per site)."""
    with engine().begin() as connection:
        # DELETE, not TRUNCATE: no exclusive lock that an idle reader could block forever.
        connection.execute(sa.text("DELETE FROM sach_search_doc"))
    from ckanext.sach.search import cache

    cache.bump()
