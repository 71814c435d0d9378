"""Possible duplicates: content similarity over bigrams, and what makes a flag."""

from __future__ import annotations

from dataclasses import replace

from intake.domain import duplicates
from intake.domain.duplicates import Fingerprint

EARLIER = Fingerprint(case_id="c1", case_number="HOSP-2026-000001",
                      content="财务处收费时多收了我三百元检查费，要求退还。",
                      phone="13800000000", name="张三", respondent_department="财务处")


def test_similarity_ignores_spacing_punctuation_and_width() -> None:
    assert duplicates.similarity("多收了 检查费！", "多收了检查费") == 1.0
    assert duplicates.similarity("ＡＢＣ１２３", "abc123") == 1.0
    assert duplicates.similarity("护士态度恶劣", "停车场收费太贵") == 0.0
    assert duplicates.similarity("", "任何内容") == 0.0
    partly = duplicates.similarity("财务处多收检查费", "财务处多收挂号费")
    assert 0.4 < partly < 0.8


def test_the_same_person_saying_the_same_thing_scores_high_with_reasons() -> None:
    again = Fingerprint(case_id="c2", case_number="HOSP-2026-000002",
                        content="我在财务处交检查费被多收了三百元，要求退还",
                        phone="138 0000 0000", name="张三", respondent_department="财务处")
    found = duplicates.match(again, EARLIER)
    assert found is not None and found.case_id == "c1"
    assert found.score > 0.7
    assert found.reasons[:3] == ("same phone", "same name", "same respondent 财务处")
    assert found.reasons[3].startswith("content 0.") and found.reasons[3].endswith(" similar")


def test_the_same_phone_about_another_matter_is_not_a_duplicate() -> None:
    other = replace(EARLIER, case_id="c2", content="门诊大厅的空调坏了，太热",
                    respondent_department="")
    assert duplicates.match(other, EARLIER) is None


def test_similar_content_with_nothing_shared_is_not_a_duplicate() -> None:
    stranger = replace(EARLIER, case_id="c2", phone="13900000000", name="李四",
                       respondent_department="")
    assert duplicates.match(stranger, EARLIER) is None


def test_anonymous_submissions_match_by_respondent_and_content_only() -> None:
    anonymous = Fingerprint(case_id="c2", case_number="HOSP-2026-000002",
                            content="财务处收费时多收了三百元检查费，要求退还",
                            respondent_department="财务处")
    found = duplicates.match(anonymous, EARLIER)
    assert found is not None
    assert found.reasons[0] == "same respondent 财务处" and "same phone" not in found.reasons
    assert 0.5 <= found.score < duplicates.match(replace(anonymous, phone="13800000000"),
                                                 EARLIER).score  # type: ignore[union-attr]  # None fails


def test_rank_keeps_the_best_five_best_first_and_skips_itself() -> None:
    new = replace(EARLIER, case_id="new", case_number="HOSP-2026-000099")
    earlier = [replace(EARLIER, case_id=f"e{i}", content=EARLIER.content[:22 - i * 2])
               for i in range(8)]
    ranked = duplicates.rank(new, [new, *earlier])
    assert [m.case_id for m in ranked] == ["e0", "e1", "e2", "e3", "e4"]
    scores = [m.score for m in ranked]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
