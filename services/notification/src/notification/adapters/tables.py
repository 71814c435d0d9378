"""The notification service's own tables: deliveries, complainants' contacts (sealed) and the
tenant's webhook endpoints."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge_platform.db import UTCDateTime

metadata = sa.MetaData()

# One row per (source event, recipient, channel, template): the unique key is what makes a
# redelivered event a no-op. Status: pending → delivered, or retrying (backoff) → … → dead.
deliveries = sa.Table(
    "deliveries", metadata,
    sa.Column("delivery_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_id", sa.String(36), nullable=False, index=True),
    sa.Column("source_event_id", sa.String(36), nullable=False),
    sa.Column("template", sa.String(64), nullable=False),
    sa.Column("recipient", sa.String(128), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("delivered_at", UTCDateTime),
    sa.Column("subject", sa.Text, nullable=False, default=""),
    sa.Column("data", sa.JSON),                 # structured fields (SMS params, webhook data)
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("next_attempt_at", UTCDateTime),  # when due (pending, retrying) or lease end
    sa.Column("created_at", UTCDateTime),
    sa.Column("reference", sa.String(128), nullable=False, default=""),  # provider's id
    sa.UniqueConstraint("source_event_id", "recipient", "channel", "template",
                        name="uq_deliveries_event_recipient_channel_template"),
)
# only pending and retrying rows have a next attempt: a plain index skips the rest (NULL)
sa.Index("ix_deliveries_due", deliveries.c.next_attempt_at)

# How to reach a real-name complainant, sealed (AES-GCM) to the case: never in clear at rest.
contacts = sa.Table(
    "contacts", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("sealed", sa.Text, nullable=False),
    sa.Column("locale", sa.String(8), nullable=False, default="zh-CN"),
)

endpoints = sa.Table(
    "endpoints", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("endpoint_id", sa.String(64), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("secret", sa.Text, nullable=False),   # sealed to the endpoint
    sa.Column("templates", sa.JSON, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# A tenant's own wording of a template; a NULL section keeps the default's.
template_overrides = sa.Table(
    "template_overrides", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("locale", sa.String(8), primary_key=True),
    sa.Column("subject", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("sms", sa.Text),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# A staff member's channels besides in-app, their work contact, and quiet hours (Shanghai).
preferences = sa.Table(
    "preferences", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("channels", sa.JSON, nullable=False),
    sa.Column("quiet_from", sa.String(5), nullable=False, default=""),
    sa.Column("quiet_to", sa.String(5), nullable=False, default=""),
    sa.Column("email", sa.String(254), nullable=False, default=""),
    sa.Column("phone", sa.String(32), nullable=False, default=""),
)
