"""deadlines: stage clocks on leads, stage history, supervision marks, digests, lead tags

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 13:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("stage", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("stage_started", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("paused_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("extended", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("penalised_party", sa.String(length=200), nullable=True))
        batch.create_index("ix_leads_due_at", ["due_at"])
    op.create_table(
        "lead_tags",
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("lead_id", "tag"),
    )
    op.create_index("ix_lead_tags_tag", "lead_tags", ["tag"])
    op.create_table(
        "lead_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("queue_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("ended_by", sa.String(length=24), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lead_stages_lead_id", "lead_stages", ["lead_id"])
    op.create_index("ix_lead_stages_ended", "lead_stages", ["ended_at", "stage"])
    op.create_table(
        "supervision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("queue_code", sa.String(length=6), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_supervision_once", "supervision", ["lead_id", "stage", "due_at", "level"], unique=True
    )
    op.create_index("ix_supervision_at", "supervision", ["at", "level"])
    op.create_table(
        "digests",
        sa.Column("queue_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("queue_code", "day"),
    )
    op.create_index("ix_leads_created_at", "leads", ["created_at"])
    op.create_index("ix_lead_events_action_at", "lead_events", ["action", "at"])
    op.create_index("ix_leads_closed_at", "leads", ["closed_at"])
    _tag_existing_leads()


def _tag_existing_leads() -> None:
    """Sectors and channels of leads made before this revision, from their JSON lists."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, sectors, channels FROM leads")).fetchall()
    tags: list[dict[str, object]] = []
    for lead_id, sectors, channels in rows:
        for prefix, values in (("sector", sectors), ("channel", channels)):
            items = json.loads(values) if isinstance(values, str) else values or []
            tags.extend({"lead_id": lead_id, "tag": f"{prefix}:{v}"} for v in dict.fromkeys(items))
    if tags:
        conn.execute(sa.text("INSERT INTO lead_tags (lead_id, tag) VALUES (:lead_id, :tag)"), tags)


def downgrade() -> None:
    op.drop_index("ix_leads_closed_at", "leads")
    op.drop_index("ix_lead_events_action_at", "lead_events")
    op.drop_index("ix_leads_created_at", "leads")
    for table in ("digests", "supervision", "lead_stages", "lead_tags"):
        op.drop_table(table)
    with op.batch_alter_table("leads") as batch:
        batch.drop_index("ix_leads_due_at")
        for name in ("penalised_party", "extended", "paused_at", "due_at", "stage_started", "stage"):
            batch.drop_column(name)
