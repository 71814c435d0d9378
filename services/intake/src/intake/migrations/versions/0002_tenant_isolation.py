"""Row-level security on PostgreSQL: each row seen only under its own tenant.

Revision ID: 0002
"""

from alembic import op
from casebridge_platform.migrations import isolate_tenants, share_tenants

revision = "0002"
down_revision = "0001"
TABLES = ['tenants', 'case_number_counters', 'submissions', 'idempotency_keys']


def upgrade() -> None:
    isolate_tenants(op, TABLES)


def downgrade() -> None:
    share_tenants(op, TABLES)
