"""Severity from circumstances, keywords and the claimed amount; rules are data."""

from __future__ import annotations

import pytest
from routing.domain import severity


def test_nothing_notable_is_general() -> None:
    assert severity.assess("挂号排队太久", [], 0) == severity.Severity("一般", ())


def test_any_claim_is_important_and_a_large_one_major() -> None:
    assert severity.assess("要求退款", [], 5_000).level == "重要"
    large = severity.assess("要求退款", [], 1_000_000)
    assert large.level == "重大"
    assert large.reasons == ("大额损失 (claimed 10,000.00 元)", "索赔 (claimed 10,000.00 元)")
    assert severity.assess("要求退款", [], 999_999).level == "重要"


@pytest.mark.parametrize(("content", "circumstances", "level", "reason"), [
    ("已经联系了记者", [], "重大", "媒体介入 (keyword 记者)"),
    ("我要去法院起诉你们", [], "重大", "可能诉讼 (keyword 起诉)"),
    ("当场报警了", [], "重大", "公安介入 (keyword 报警)"),
    ("已向消协反映", [], "重大", "消协介入 (keyword 消协)"),
    ("摔倒骨折", [], "重大", "人身伤害 (keyword 骨折)"),
    ("家属在大厅摆灵堂", [], "危机", "极端行为/聚众 (keyword 摆灵堂)"),
    ("病人术后去世", [], "危机", "死亡 (keyword 去世)"),
    ("说明情况", ["lawyer"], "重大", "律师介入 (circumstance lawyer)"),
    ("说明情况", ["death"], "危机", "死亡 (circumstance death)"),
])
def test_circumstances_and_keywords_raise_the_level(content: str, circumstances: list[str],
                                                    level: str, reason: str) -> None:
    found = severity.assess(content, circumstances, 0)
    assert found.level == level and found.reasons[0] == reason


def test_the_highest_level_wins_and_every_reason_is_kept_worst_first() -> None:
    found = severity.assess("记者来了，家属聚众", ["compensation"], 0)
    assert found.level == "危机"
    assert found.reasons == ("极端行为/聚众 (keyword 聚众)", "媒体介入 (keyword 记者)",
                             "索赔 (circumstance compensation)")


def test_a_tenant_replaces_the_rules_with_its_own() -> None:
    own = severity.rules_from_json([{"circumstance": "media", "level": "危机", "label": "舆情",
                                     "keywords": ["微博"]}])
    found = severity.assess("发微博了", [], 0, own)
    assert found == severity.Severity("危机", ("舆情 (keyword 微博)",))
    assert severity.assess("已经联系了记者", [], 5_000, own).level == "一般"
    assert severity.rules_from_json(None) == severity.DEFAULT_RULES
    with pytest.raises(ValueError, match="level"):
        severity.rules_from_json([{"circumstance": "x", "level": "严重"}])


def test_a_number_keyword_matches_only_as_a_number_of_its_own() -> None:
    assert severity.mentions("当场拨打110报警", "110")
    assert severity.mentions("110", "110")
    assert not severity.mentions("多收1100元", "110")
    assert not severity.mentions("订单号2110", "110")
    assert severity.mentions("记者来了", "记者")


def test_an_ordinal_110_is_not_the_police() -> None:
    rules = severity.DEFAULT_RULES
    assert severity.assess("第110件：多收费用", (), 0, rules).level == "一般"
    assert severity.assess("家属当场拨打110", (), 0, rules).level == "重大"
