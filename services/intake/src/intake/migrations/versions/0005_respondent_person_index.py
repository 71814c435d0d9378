"""An index for the respondent person a possible duplicate may share: without it the
look-alike query (phone, name, respondent unit, department or person) cannot use one index
per kind of key, and walks the tenant's whole year of submissions for every batch.

Revision ID: 0005
"""

from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_index("ix_submissions_respondent_person", "submissions",
                    ["tenant_id", "respondent_person"])


def downgrade() -> None:
    op.drop_index("ix_submissions_respondent_person", table_name="submissions")
