"""The acknowledgement receipt (受理回执)."""

from __future__ import annotations

from datetime import UTC, datetime

from notification.domain import templates


def test_the_receipt_gives_number_deadline_in_beijing_time_and_how_to_track() -> None:
    text = templates.acknowledgement(case_number="HOSP-2026-000007",
                                     due_at=datetime(2026, 11, 25, 16, 30, tzinfo=UTC),
                                     anonymous=False)
    assert "HOSP-2026-000007" in text and "2026年11月26日 00:30" in text
    assert "查询码" not in text
    anonymous = templates.acknowledgement(case_number="CC-2026-000001",
                                          due_at=datetime(2026, 11, 25, tzinfo=UTC),
                                          anonymous=True)
    assert "查询码" in anonymous
