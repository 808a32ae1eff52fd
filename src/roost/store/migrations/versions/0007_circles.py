"""circles, circle_members and posts.circle_id

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.schema import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "circles",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_circles_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circles")),
    )
    op.create_index("ix_circles_account", "circles", ["account_id", "id"], unique=False)
    op.create_table(
        "circle_members",
        sa.Column("id", _ID, autoincrement=False, nullable=False),
        sa.Column("circle_id", _ID, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_circle_members_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circles.id"],
            name=op.f("fk_circle_members_circle_id_circles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_members")),
        sa.UniqueConstraint("circle_id", "account_id", name="uq_circle_members_pair"),
    )
    op.create_index(
        "ix_circle_members_account", "circle_members", ["account_id", "circle_id"], unique=False
    )
    # No foreign key: a deleted circle's posts keep pointing at it (see circles.models).
    op.add_column("posts", sa.Column("circle_id", _ID, nullable=True))
    op.create_index("ix_posts_circle", "posts", ["circle_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_posts_circle", table_name="posts")
    op.drop_column("posts", "circle_id")
    op.drop_index("ix_circle_members_account", table_name="circle_members")
    op.drop_table("circle_members")
    op.drop_index("ix_circles_account", table_name="circles")
    op.drop_table("circles")
