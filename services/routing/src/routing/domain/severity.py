"""Severity assessment (一般 < 重要 < 重大 < 危机), pure and driven by a rule list.

The default rules follow seed 000 (客户投诉处理流程制度, DOMAIN.md §3): a compensation claim is
important; media, lawyers, police, 消协, government, litigation, safety, injury and a large
loss are major; a death or a disruption (摆灵堂, 聚众闹事) is a crisis. A tenant may replace
the whole list with its own `severity_rules` (same shape as `rule_to_json`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LEVELS = ("一般", "重要", "重大", "危机")
GENERAL = LEVELS[0]
CIRCUMSTANCES = ("compensation", "safety", "injury", "death", "media", "lawyer", "police",
                 "consumer_association", "government", "litigation", "disruption", "large_loss")


@dataclass(frozen=True)
class SeverityRule:
    """One circumstance: named by intake, recognised by keywords, or by the claimed amount."""

    circumstance: str
    level: str
    label: str
    keywords: tuple[str, ...] = ()
    min_amount_fen: int | None = None  # the claim reaches this amount → the rule applies


@dataclass(frozen=True)
class Severity:
    level: str
    reasons: tuple[str, ...]


DEFAULT_RULES: tuple[SeverityRule, ...] = (
    SeverityRule("death", "危机", "死亡", ("死亡", "去世", "身亡", "过世")),
    SeverityRule("disruption", "危机", "极端行为/聚众", ("摆灵堂", "聚众", "闹事", "砸", "跳楼")),
    SeverityRule("media", "重大", "媒体介入", ("媒体", "记者", "曝光", "电视台", "报社")),
    SeverityRule("lawyer", "重大", "律师介入", ("律师",)),
    SeverityRule("litigation", "重大", "可能诉讼", ("起诉", "法院", "打官司", "诉讼")),
    # "110" alone also numbers things (第110件): only as something one calls
    SeverityRule("police", "重大", "公安介入", ("报警", "拨打110", "打110", "打了110", "110出警",
                                            "派出所", "警察", "民警")),
    SeverityRule("consumer_association", "重大", "消协介入", ("消协", "消费者协会")),
    SeverityRule("government", "重大", "政府部门介入", ("卫健委", "市长热线", "12345", "信访")),
    SeverityRule("safety", "重大", "安全问题", ("安全隐患", "爆炸", "起火", "中毒")),
    SeverityRule("injury", "重大", "人身伤害", ("受伤", "骨折", "伤残")),
    SeverityRule("large_loss", "重大", "大额损失", (), 1_000_000),  # ≥ 10,000 元
    SeverityRule("compensation", "重要", "索赔", ("赔偿", "索赔"), 1),  # any claim at all
)


def mentions(content: str, keyword: str) -> bool:
    """The keyword occurs in the text; a number (110) only as a number of its own, not inside
    a longer one ("第110件", "1100元")."""
    if not keyword.isdigit():
        return keyword in content
    return re.search(rf"(?<!\d){re.escape(keyword)}(?!\d)", content) is not None


def rank(level: str) -> int:
    """Position of a level, so levels compare; an unknown level counts as 一般."""
    return LEVELS.index(level) if level in LEVELS else 0


def _why(rule: SeverityRule, content: str, circumstances: set[str], amount_fen: int) -> str:
    """Why the rule applies ('' when it does not): the first thing that triggered it."""
    if rule.circumstance in circumstances:
        return f"{rule.label} (circumstance {rule.circumstance})"
    hit = next((k for k in rule.keywords if k and mentions(content, k)), None)
    if hit:
        return f"{rule.label} (keyword {hit})"
    if rule.min_amount_fen is not None and amount_fen >= rule.min_amount_fen:
        return f"{rule.label} (claimed {amount_fen / 100:,.2f} 元)"
    return ""


def assess(content: str, circumstances: Iterable[str], amount_fen: int,
           rules: Iterable[SeverityRule] = DEFAULT_RULES) -> Severity:
    """The highest level any rule reaches, with every rule that fired as a reason, worst first."""
    named = set(circumstances)
    fired = [(rule.level, why) for rule in rules
             if (why := _why(rule, content, named, amount_fen))]
    if not fired:
        return Severity(GENERAL, ())
    fired.sort(key=lambda f: -rank(f[0]))
    return Severity(fired[0][0], tuple(why for _, why in fired))


def rule_from_json(data: dict[str, Any]) -> SeverityRule:
    """A tenant's rule from its seed; a bad level is refused rather than silently ignored."""
    if data.get("level") not in LEVELS:
        raise ValueError(f"severity rule {data!r}: level must be one of {', '.join(LEVELS)}")
    amount = data.get("min_amount_fen")
    return SeverityRule(str(data.get("circumstance", "")), data["level"],
                        str(data.get("label") or data.get("circumstance", "")),
                        tuple(str(k) for k in data.get("keywords", ())),
                        int(amount) if amount is not None else None)


def rule_to_json(rule: SeverityRule) -> dict[str, Any]:
    return {"circumstance": rule.circumstance, "level": rule.level, "label": rule.label,
            "keywords": list(rule.keywords), "min_amount_fen": rule.min_amount_fen}


def rules_from_json(data: list[dict[str, Any]] | None) -> tuple[SeverityRule, ...]:
    """The tenant's own list, or the defaults when it has none."""
    return DEFAULT_RULES if data is None else tuple(rule_from_json(r) for r in data)
