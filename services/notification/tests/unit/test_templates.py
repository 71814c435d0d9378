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


DUE = datetime(2026, 11, 25, 16, tzinfo=UTC)
RULE = "简单投诉3个工作日内答复(seed 003 医院投诉管理制度)"


def test_a_warning_says_when_the_deadline_falls_due_and_whom_it_reached() -> None:
    text = templates.deadline_warning(case_number="HOSP-2026-000011", clock="answer",
                                      due_at=DUE, rule=RULE, rung_title="医务处")
    assert text.startswith("【预警】") and "HOSP-2026-000011" in text and "answer" in text
    assert "将于 2026年11月26日 00:00 届满" in text and "通报：医务处" in text
    assert text.endswith(f"依据：{RULE}") and "总值班" not in text


def test_a_breach_names_the_rung_it_was_escalated_to() -> None:
    text = templates.deadline_missed(case_number="HOSP-2026-000012", clock="answer",
                                     due_at=DUE, rule=RULE, rung_title="分管院长",
                                     department="医务处")
    assert "已升级至：分管院长" in text and "责任部门：医务处" in text
    assert "2026年11月26日 00:00" in text and text.endswith(f"依据：{RULE}")


def test_an_escalation_off_hours_says_the_on_duty_officer_was_told() -> None:
    text = templates.deadline_escalated(case_number="HOSP-2026-000013", clock="answer",
                                        due_at=DUE, rule=RULE,
                                        rung_title="医疗纠纷处理领导小组", off_hours=True)
    assert text.startswith("【升级】") and "已升级至：医疗纠纷处理领导小组" in text
    assert "非工作时间，已通知总值班" in text and RULE in text


def test_an_escalation_without_a_title_still_says_it_went_up() -> None:
    text = templates.deadline_escalated(case_number="CORP-2026-000001", clock="answer",
                                        due_at=DUE, rule="3个工作日内回复")
    assert "已升级至：上一级" in text


def test_a_regulator_report_names_institution_period_count_threshold_and_cases() -> None:
    text = templates.regulator_report(institution="demo-hospital", period="2026-11",
                                      breaches=6, threshold=5,
                                      case_numbers=["HOSP-2026-000001", "HOSP-2026-000002"])
    assert "机构 demo-hospital 在 2026-11 已超时 6 件（阈值 5）" in text
    assert text.endswith("：HOSP-2026-000001、HOSP-2026-000002")
