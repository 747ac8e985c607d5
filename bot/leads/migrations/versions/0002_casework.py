"""casework: lifecycle columns on leads, staff prompts, evidence files, relays, case counters

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_counters",
        sa.Column("queue_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("queue_code", "year"),
    )
    op.create_table(
        "staff_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_name", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("status_at_prompt", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_prompts_lead_id", "staff_prompts", ["lead_id"])
    op.create_index("ix_staff_prompts_outbox_id", "staff_prompts", ["outbox_id"])
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("file_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evidence_files_lead_id", "evidence_files", ["lead_id"])
    op.create_index("ix_evidence_files_chat_id", "evidence_files", ["chat_id"])
    op.create_table(
        "relays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("citizen_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("queue_code", sa.String(length=6), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_relays_citizen_chat_id", "relays", ["citizen_chat_id"])
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("stage_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("resume_status", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("handler_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("transferred_from", sa.String(length=6), nullable=True))
        batch.add_column(sa.Column("city_assigned", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("case_number", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("outcome_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("fine_fen", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("department", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rating_comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_leads_handler_id", ["handler_id"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("force_reply", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("file_id", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("file_kind", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("relay_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_outbox_relay_id", "relays", ["relay_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_outbox_chat_message", ["chat_id", "message_id"])
    op.execute("UPDATE leads SET stage_due = accept_due WHERE status = 'new'")


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_chat_message")
        batch.drop_constraint("fk_outbox_relay_id", type_="foreignkey")
        for name in ("relay_id", "file_kind", "file_id", "force_reply"):
            batch.drop_column(name)
    with op.batch_alter_table("leads") as batch:
        batch.drop_index("ix_leads_handler_id")
        for name in (
            "reviewed",
            "rating_comment",
            "rating",
            "closed_at",
            "department",
            "fine_fen",
            "outcome_note",
            "outcome",
            "case_number",
            "city_assigned",
            "transferred_from",
            "handler_id",
            "resume_status",
            "stage_due",
        ):
            batch.drop_column(name)
    for table in ("relays", "evidence_files", "staff_prompts", "case_counters"):
        op.drop_table(table)
