"""Alembic's environment: run on the connection `Database.upgrade()` hands over."""

from __future__ import annotations

from alembic import context

from bot.leads.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("run migrations with `hotline db upgrade`, which supplies the connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
