"""Routing's first tables: tenants, categories, handlers, decisions.

Revision ID: 0001
"""

from alembic import op
from casebridge_platform.messaging.tables import create_tables

from routing.adapters.tables import metadata

revision = "0001"
down_revision = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())
    create_tables(op)
