"""The outbox's and the inbox's rows found by age, for their purge (messaging.tables
create_indexes_v2).

Revision ID: 0006
"""

from alembic import op
from casebridge_platform.messaging.tables import create_indexes_v2, drop_indexes_v2

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    create_indexes_v2(op)


def downgrade() -> None:
    drop_indexes_v2(op)
