"""One event may bring a complainant two notices over one channel (the result and the survey):
the delivery key takes the template too.

Revision ID: 0005
"""

from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint("uq_deliveries_event_recipient_channel", type_="unique")
        batch.create_unique_constraint(
            "uq_deliveries_event_recipient_channel_template",
            ["source_event_id", "recipient", "channel", "template"])


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint("uq_deliveries_event_recipient_channel_template", type_="unique")
        batch.create_unique_constraint("uq_deliveries_event_recipient_channel",
                                       ["source_event_id", "recipient", "channel"])
