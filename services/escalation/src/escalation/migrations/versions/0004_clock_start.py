"""Which case event starts a policy's clock: its opening (a decision deadline) or its
assignment (a handling deadline).

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("policies") as batch:
        batch.add_column(sa.Column("starts_on", sa.String(16), nullable=False,
                                   server_default="assigned"))


def downgrade() -> None:
    with op.batch_alter_table("policies") as batch:
        batch.drop_column("starts_on")
