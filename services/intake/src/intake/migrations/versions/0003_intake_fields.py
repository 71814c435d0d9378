"""The fields each tenant kind records, tenants' forms, and duplicate-fingerprint indexes.

Revision ID: 0003

New columns only; the tables already have row-level security (0002), which covers them.
Existing rows get empty text and NULL for the JSON and money columns, which the code reads
as "not given".
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

TEXT_COLUMNS: list[tuple[str, sa.types.TypeEngine[Any]]] = [
    ("complainant_unit", sa.String(200)),
    ("complainant_relation", sa.String(64)),
    ("complainant_address", sa.String(500)),
    ("complainant_email", sa.String(200)),
    ("phone_key", sa.String(32)),
    ("respondent_unit", sa.String(200)),
    ("facts", sa.Text()),
    ("incident_time", sa.String(40)),
    ("incident_place", sa.String(200)),
    ("referred_by", sa.String(200)),
]
NULLABLE_COLUMNS: list[tuple[str, sa.types.TypeEngine[Any]]] = [
    ("respondent_other_departments", sa.JSON()),
    ("claimed_amount_fen", sa.BigInteger()),
    ("claimed_currency", sa.String(3)),
    ("details", sa.JSON()),
    ("circumstances", sa.JSON()),
    ("possible_duplicates", sa.JSON()),
]
INDEXES = [
    ("ix_submissions_phone", ["tenant_id", "phone_key"]),
    ("ix_submissions_name", ["tenant_id", "complainant_name"]),
    ("ix_submissions_respondent_unit", ["tenant_id", "respondent_unit"]),
    ("ix_submissions_respondent_department", ["tenant_id", "respondent_department"]),
    ("ix_submissions_received_at", ["tenant_id", "received_at"]),
]


def upgrade() -> None:
    op.add_column("tenants", sa.Column("form", sa.JSON(), nullable=True))
    op.add_column("tenants", sa.Column("categories_at", sa.DateTime(timezone=True),
                                       nullable=True))
    for name, type_ in TEXT_COLUMNS:
        op.add_column("submissions",
                      sa.Column(name, type_, nullable=False, server_default=""))
    for name, type_ in NULLABLE_COLUMNS:
        op.add_column("submissions", sa.Column(name, type_, nullable=True))
    for name, columns in INDEXES:
        op.create_index(name, "submissions", columns)


def downgrade() -> None:
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="submissions")
    with op.batch_alter_table("submissions") as batch:
        for name, _ in reversed(TEXT_COLUMNS + NULLABLE_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("categories_at")
        batch.drop_column("form")
