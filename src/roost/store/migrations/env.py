"""Alembic environment: runs migrations against the URL ``roost.store.migrate`` sets."""

from __future__ import annotations

from alembic import context

from roost.store.db import make_engine
from roost.store.models import load_all_models

target_metadata = load_all_models()


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url
    engine = make_engine(url, pool_size=0) if not url.startswith("sqlite") else make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Roost runs migrations online only: use `roost migrate`.")
run_migrations_online()
