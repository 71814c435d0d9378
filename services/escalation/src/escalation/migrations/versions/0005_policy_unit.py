"""What a policy's amount counts (working or calendar days, working or plain hours), and the
tenant's office hours for working-hour rules. Existing policies keep calendar days, which is
how their clocks were computed.

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("policies") as batch:
        batch.add_column(sa.Column("unit", sa.String(16), nullable=False,
                                   server_default="calendar_days"))
        batch.add_column(sa.Column("office_hours", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("policies") as batch:
        batch.drop_column("office_hours")
        batch.drop_column("unit")
