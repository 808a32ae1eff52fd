"""job marks: a split job's "done once" mark (an idempotent fan-out)

Revision ID: 0012
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_marks",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_job_marks_created_at", "job_marks", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_job_marks_created_at", table_name="job_marks")
    op.drop_table("job_marks")
