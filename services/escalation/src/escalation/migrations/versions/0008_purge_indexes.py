"""The outbox's and the inbox's rows found by age, for their purge (messaging.tables
create_indexes_v2).

Revision ID: 0008
"""

from alembic import op
from casebridge_platform.messaging.tables import create_indexes_v2, drop_indexes_v2

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    create_indexes_v2(op)


def downgrade() -> None:
    drop_indexes_v2(op)
