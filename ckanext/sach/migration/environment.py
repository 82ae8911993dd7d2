"""What the alembic ``env.py`` of each of the extension's plugins runs.

CKAN looks for one alembic environment per plugin (``migration/<plugin>/env.py``);
both plugins of this extension keep their own history and version table
(``<plugin>_alembic_version``), so it never mixes with CKAN core's or another's.
"""
from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import engine_from_config, pool


def run(env_file: str, target_metadata: Any = None) -> None:
    """Run the migrations of the plugin whose ``env.py`` is ``env_file``.

    With ``target_metadata`` (for autogenerate), only tables whose name starts with
    the plugin's name are compared.
    """
    config = context.config
    if config.config_file_name:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    name = os.path.basename(os.path.dirname(os.path.abspath(env_file)))
    options: dict[str, Any] = {"version_table": f"{name}_alembic_version"}
    if target_metadata is not None:
        options["target_metadata"] = target_metadata
        options["include_object"] = (
            lambda obj, object_name, type_, reflected, compare_to:
            type_ != "table" or object_name.startswith(name))

    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(config.get_section(config.config_ini_section) or {},
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
