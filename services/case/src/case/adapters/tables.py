"""The case service's own tables."""

from __future__ import annotations

import sqlalchemy as sa
from casebridge_platform.db import UTCDateTime
from casebridge_platform.messaging.tables import BigId

metadata = sa.MetaData()

cases = sa.Table(
    "cases", metadata,
    sa.Column("case_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_number", sa.String(32), nullable=False),
    sa.Column("tenant_kind", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("category", sa.String(64), nullable=False, default=""),
    sa.Column("department", sa.String(100), nullable=False, default=""),
    sa.Column("handler_id", sa.String(64), nullable=False, default=""),
    sa.Column("due_at", UTCDateTime),
    sa.Column("deadline_rule", sa.Text, nullable=False, default=""),
    sa.Column("acknowledged", sa.Boolean, nullable=False, default=False),
    sa.Column("first_contact_owner", sa.String(64), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("demands", sa.Text, nullable=False),
    sa.Column("anonymous", sa.Boolean, nullable=False),
    sa.Column("complainant_name", sa.String(200), nullable=False),
    sa.Column("complainant_phone", sa.String(32), nullable=False),
    sa.Column("respondent_department", sa.String(200), nullable=False),
    sa.Column("respondent_person", sa.String(200), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("severity", sa.String(8), nullable=False, default="一般"),
    sa.Column("coordinated", sa.Boolean, nullable=False, default=False),
    sa.Column("on_duty", sa.Boolean, nullable=False, default=False),
    sa.Column("disposition", sa.String(16), nullable=False, default=""),
    sa.Column("held_from", sa.String(32), nullable=False, default=""),
    sa.Column("round", sa.Integer, nullable=False, default=1),
    sa.Column("escalated", sa.Boolean, nullable=False, default=False),
    sa.Column("closed_at", UTCDateTime),
    # what is shown but never filtered on: facts, details, routing's reasons, decisions
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
    sa.UniqueConstraint("tenant_id", "case_number", name="uq_cases_case_number"),
)
sa.Index("ix_cases_tenant_received", cases.c.tenant_id, cases.c.received_at, cases.c.case_id)
sa.Index("ix_cases_tenant_status", cases.c.tenant_id, cases.c.status)
sa.Index("ix_cases_tenant_department", cases.c.tenant_id, cases.c.department)
sa.Index("ix_cases_tenant_handler", cases.c.tenant_id, cases.c.handler_id)
sa.Index("ix_cases_tenant_due", cases.c.tenant_id, cases.c.due_at)

timeline = sa.Table(
    "timeline", metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.case_id"), nullable=False,
              index=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("from_status", sa.String(32), nullable=False, default=""),
    sa.Column("to_status", sa.String(32), nullable=False, default=""),
    sa.Column("reason", sa.Text, nullable=False, default=""),
)

# Work on a case: investigation records, proposals, answers, follow-ups, materials, links,
# co-complainants. Only a proposal's decision is ever written after the row is made.
items = sa.Table(
    "case_items", metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.case_id"), nullable=False,
              index=True),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
)

# Each tenant's case rules (rounds of reopening, who approves a proposal), from the seed.
tenants = sa.Table(
    "tenants", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("coordinating_department", sa.String(100), nullable=False),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("division", sa.String(64), nullable=False, default=""),  # 370000-371300-371321
    sa.Column("name", sa.String(200), nullable=False, default=""),     # what people call it
)

# Idempotency-Key of actions: a retry is answered with the case, not applied twice.
action_keys = sa.Table(
    "action_keys", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("case_id", sa.String(36), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# A transfer as one side sees it: the origin's row ("out") and the receiver's ("in") are two
# rows, in two tenants (and, across deployments, in two databases).
transfers = sa.Table(
    "transfers", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("transfer_id", sa.String(36), primary_key=True),
    sa.Column("direction", sa.String(3), nullable=False),            # "out" or "in"
    sa.Column("path", sa.String(64), nullable=False),
    sa.Column("path_kind", sa.String(32), nullable=False),           # the origin's kind
    sa.Column("peer", sa.String(64), nullable=False, default=""),
    sa.Column("remote", sa.Boolean, nullable=False, default=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("case_id", sa.String(36), nullable=False),
    sa.Column("case_number", sa.String(32), nullable=False, default=""),
    sa.Column("peer_case_number", sa.String(32), nullable=False, default=""),
    sa.Column("reason_code", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(64), nullable=False, default=""),
    sa.Column("outcome_text", sa.Text, nullable=False, default=""),
    sa.Column("answer_reason", sa.Text, nullable=False, default=""),
    sa.Column("package", sa.JSON, nullable=False, default=dict),
    sa.Column("delivery", sa.String(16), nullable=False, default=""),
    sa.Column("offered_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
sa.Index("ix_transfers_case", transfers.c.tenant_id, transfers.c.case_id)

# Transfer messages applied, by their stable id: a message delivered twice is applied once.
transfer_messages = sa.Table(
    "transfer_messages", metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("message_id", sa.String(36), primary_key=True),
    sa.Column("transfer_id", sa.String(36), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
)

# Signed messages seen from other deployments, by their per-signing id (jti), kept for the
# replay window: the same signed package presented again is refused.
federation_nonces = sa.Table(
    "federation_nonces", metadata,
    sa.Column("jti", sa.String(64), primary_key=True),
    sa.Column("issuer", sa.String(64), nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# Messages to agencies of other deployments, until their gateway acknowledges them. Signed
# afresh (new jti) on every attempt; the message id stays, so the receiver applies it once.
federation_outbox = sa.Table(
    "federation_outbox", metadata,
    sa.Column("message_id", sa.String(36), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("to_agency", sa.String(64), nullable=False),
    sa.Column("message", sa.JSON, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_at", UTCDateTime, nullable=False, index=True),
    sa.Column("lease_until", UTCDateTime),
    sa.Column("delivered_at", UTCDateTime),
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
