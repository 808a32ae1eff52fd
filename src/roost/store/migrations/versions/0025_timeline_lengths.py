"""a length bound per stored timeline, so deliveries trim only past the cap plus a slack

Revision ID: 0025
Revises: 0021 (written against 0019; chained after the newest on main when main was merged in)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "timeline_heads",
        sa.Column("length", sa.Integer(), nullable=False, server_default="0"),
    )
    # Existing timelines start from their true length (one pass over the entries, once).
    op.execute(
        "UPDATE timeline_heads SET length = (SELECT count(*) FROM timeline_entries"
        " WHERE timeline_entries.key = timeline_heads.key)"
    )


def downgrade() -> None:
    op.drop_column("timeline_heads", "length")
