"""Classification and handler choice."""

from __future__ import annotations

from routing.domain import rules

TABLE = [rules.Category("护理质量", "护理部", ("护士", "输液", "打针")),
         rules.Category("医疗收费", "财务处", ("收费", "多收")),
         rules.Category("服务态度", "监察室", ("态度",))]


def test_the_category_with_most_keyword_hits_wins_and_says_why() -> None:
    found = rules.classify("护士输液时态度恶劣，打针三次", TABLE)
    assert found == rules.Classification("护理质量", ("护士", "输液", "打针"))


def test_no_hit_means_no_category_and_the_coordinating_office() -> None:
    assert rules.classify("天气很好", TABLE) is None
    assert rules.department_for(None, TABLE, "投诉管理办公室") == "投诉管理办公室"
    assert rules.department_for("医疗收费", TABLE, "投诉管理办公室") == "财务处"


def test_without_a_category_the_department_complained_about_is_responsible() -> None:
    assert rules.department_for(None, TABLE, "投诉管理办公室", "监察室") == "监察室"
    assert rules.department_for(None, TABLE, "投诉管理办公室", "食堂") == "投诉管理办公室"
    assert rules.department_for("医疗收费", TABLE, "投诉管理办公室", "监察室") == "财务处"


def test_the_least_loaded_handler_who_is_not_recused_is_picked() -> None:
    candidates = [rules.Candidate("h1", "李护士", 3), rules.Candidate("h2", "王护士", 1),
                  rules.Candidate("h3", "赵护士", 1)]
    assert rules.pick_handler(candidates, recused=set()).user_id == "h2"
    assert rules.pick_handler(candidates, recused={"王护士"}).user_id == "h3"
    assert rules.pick_handler(candidates, recused={"h2", "h3", "李护士"}) is None
