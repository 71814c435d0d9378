"""Every code a page can show has words in both languages: statuses and actions of the case
lifecycle, channels, severities, circumstances, dispositions, holds, record types."""

from __future__ import annotations

import typing

import pytest
from case.domain import model
from gateway.web import i18n

from gateway import schemas

GROUPS = {
    "status": [s.value for s in model.Status],
    "action": list(model.RULES),
    "channel": list(typing.get_args(schemas.Channel)) + ["transfer"],
    "severity": list(model.SEVERITIES),
    "circumstance": list(typing.get_args(schemas.Circumstance)),
    "disposition": sorted(model.DISPOSITIONS),
    "hold": sorted(model.HOLD_KINDS),
    "record_type": sorted(model.RECORD_TYPES),
    "answer_mode": sorted(model.ANSWER_MODES),
    "kind": ["complaint", "report"],
}


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_code_has_words_in_chinese_and_english(group: str) -> None:
    missing = [code for code in GROUPS[group] if code not in i18n.CODES[group]]
    assert not missing, f"{group}: no words for {missing}"
    for code in GROUPS[group]:
        zh, en = i18n.words(i18n.ZH, group, code), i18n.words(i18n.EN, group, code)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), (group, code, zh)
        assert en and not any("\u4e00" <= ch <= "\u9fff" for ch in en), (group, code, en)
