"""inbox claims: each update's chat and the worker's claim, for webhook workers on one database

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
    op.create_index("ix_inbox_chat", "inbox", ["chat_id", "update_id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_chat", table_name="inbox")
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("chat_id")
