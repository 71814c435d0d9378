"""What complainants and staff are told."""

from __future__ import annotations

from datetime import UTC, datetime

from notification.domain import templates


def test_the_receipt_gives_the_number_and_how_to_track_it() -> None:
    text = templates.acknowledgement(case_number="HOSP-2026-000007", anonymous=False)
    assert "HOSP-2026-000007" in text and "已受理" in text
    assert "查询码" not in text
    assert "查询码" in templates.acknowledgement(case_number="CC-2026-000001", anonymous=True)


def test_a_refusal_carries_the_reason_and_the_notice() -> None:
    text = templates.refusal(case_number="CC-2026-000002", reason="超过法定期限",
                             notice="如不服可依法申请复议。")
    assert "不予受理" in text and "超过法定期限" in text and "申请复议" in text


def test_a_referral_names_who_is_competent() -> None:
    told = templates.referral(case_number="CC-2026-000003", competent_body="县卫生健康局",
                              transferred=False)
    moved = templates.referral(case_number="CC-2026-000003", competent_body="县卫生健康局",
                               transferred=True)
    assert "请向 县卫生健康局 反映" in told and "已移交 县卫生健康局" in moved


def test_an_alert_names_severity_reasons_and_audience() -> None:
    text = templates.alert(case_number="HOSP-2026-000009", severity="危机",
                           reasons=["患者死亡", "媒体介入"], audience="security")
    assert "危机" in text and "患者死亡；媒体介入" in text and "保卫部门" in text


def test_a_missed_deadline_names_case_clock_due_date_and_rule() -> None:
    text = templates.deadline_missed(case_number="HOSP-2026-000010", clock="answer",
                                     due_at=datetime(2026, 11, 25, 16, tzinfo=UTC),
                                     rule="3个工作日内答复")
    assert "HOSP-2026-000010" in text and "2026年11月26日 00:00" in text
    assert "3个工作日内答复" in text
