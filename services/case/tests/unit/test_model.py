"""Timeline wording of the case."""

from __future__ import annotations

from case.domain.model import assigned_summary, received_summary


def test_summaries_say_what_happened() -> None:
    assert received_summary("phone", "report", "CC-2026-000001") == \
        "举报 CC-2026-000001 received via phone"
    assert assigned_summary("", "投诉管理办公室", "", "no category matched") == \
        "assigned to 投诉管理办公室 (category unclassified; no category matched)"
