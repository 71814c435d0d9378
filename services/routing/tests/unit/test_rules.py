"""Classification and handler choice."""

from __future__ import annotations

from routing.domain import rules

TABLE = [rules.Category("护理质量", "护理部", ("护士", "输液", "打针")),
         rules.Category("医疗收费", "财务处", ("收费", "多收")),
         rules.Category("服务态度", "监察室", ("态度",))]


def test_the_category_with_most_keyword_hits_wins_and_says_why() -> None:
    found = rules.classify("护士输液时态度恶劣，打针三次", TABLE)
    assert (found.category, found.matched) == ("护理质量", ("护士", "输液", "打针"))


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


def test_scores_list_every_matching_category_best_first_with_ties_broken_by_name() -> None:
    found = rules.classify("收费多收了，态度差，护士不理人", TABLE)
    assert [(s.category, s.matched, s.hits) for s in found.scores] == [
        ("医疗收费", ("收费", "多收"), 2), ("护理质量", ("护士",), 1), ("服务态度", ("态度",), 1)]
    tie = rules.classify("态度 收费", TABLE)
    assert tie.category == "医疗收费"  # 1 hit each; "医疗收费" < "服务态度" by name


def test_more_distinct_keywords_win_a_tie_on_hits() -> None:
    found = rules.classify("态度态度，护士输液", TABLE)
    assert found.category == "护理质量" and found.scores[1].category == "服务态度"


ROUTES = [rules.Route("医疗质量", "", "危机", "院办"),
          rules.Route("", "", "危机", "投诉管理办公室"),
          rules.Route("服务态度", "护理部", "", "护理部"),
          rules.Route("", "门诊部", "", "门诊部")]


def test_the_most_specific_route_wins_and_category_counts_most() -> None:
    def resolve(category: str, respondent: str, severity: str) -> str | None:
        row = rules.resolve_route(ROUTES, category=category, respondent_department=respondent,
                                  severity=severity)
        return row.department if row else None

    assert resolve("医疗质量", "", "危机") == "院办"
    assert resolve("护理质量", "", "危机") == "投诉管理办公室"
    assert resolve("服务态度", "护理部", "一般") == "护理部"
    assert resolve("服务态度", "门诊部", "一般") == "门诊部"
    # category+respondent (6) beats the severity wildcard row (1)
    assert resolve("服务态度", "护理部", "危机") == "护理部"
    assert resolve("医疗质量", "", "重大") is None


def test_two_departments_hit_twice_each_make_a_case_coordinated() -> None:
    scores = rules.classify("收费收费不清，护士护士态度差", TABLE).scores
    assert rules.involved_departments("财务处", scores=scores) == ("财务处", "护理部")
    once = rules.classify("收费收费不清，护士态度差", TABLE).scores
    assert rules.involved_departments("财务处", scores=once) == ("财务处",)
    assert rules.involved_departments("财务处", other_departments=["门诊部", "财务处"]) == (
        "财务处", "门诊部")


CANDIDATES = [rules.Candidate("h1", "李护士", 0), rules.Candidate("h2", "王护士", 2),
              rules.Candidate("h3", "赵护士", 1)]


def test_recusal_covers_respondent_declared_parties_the_case_and_an_exclusion() -> None:
    def ids(conflicts: list[rules.Conflict], parties: rules.Parties) -> list[str]:
        return [c.user_id for c in rules.eligible(CANDIDATES, conflicts, parties)]

    assert ids([], rules.Parties()) == ["h1", "h3", "h2"]
    assert ids([], rules.Parties(respondent_person="李护士")) == ["h3", "h2"]
    assert ids([], rules.Parties(respondent_person="h3")) == ["h1", "h2"]
    party = [rules.Conflict("h1", party="张三")]
    assert ids(party, rules.Parties(complainant_name="张三")) == ["h3", "h2"]
    assert ids(party, rules.Parties(respondent_unit="张三")) == ["h3", "h2"]
    assert ids(party, rules.Parties(complainant_name="李四")) == ["h1", "h3", "h2"]
    on_case = [rules.Conflict("h3", case_id="c1")]
    assert ids(on_case, rules.Parties(case_id="c1")) == ["h1", "h2"]
    assert ids(on_case, rules.Parties(case_id="c2")) == ["h1", "h3", "h2"]
    assert ids([], rules.Parties(excluded_handler="h1")) == ["h3", "h2"]


def test_route_and_category_validation_name_each_field_at_fault() -> None:
    errors = rules.route_errors(
        [rules.Route("", "", "重大", "院办"), rules.Route("无此类", "", "严重", ""),
         rules.Route("", "", "", "食堂")], {"院办"}, {"医疗质量"})
    assert errors == {"routes[1].severity": "must be empty or one of 一般, 重要, 重大, 危机",
                      "routes[1].department": "must not be empty",
                      "routes[1].category": "'无此类' is not a category",
                      "routes[2].department": "'食堂' is not a department"}
    assert rules.category_errors("x" * 65, "食堂", [""], {"院办"}).keys() == {
        "name", "department", "keywords"}
    assert rules.category_errors("医保", "医保办", ["医保"], set()) == {}
