"""Classification, the routing table, coordination and recusal (分派, 回避), pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from routing.domain.severity import LEVELS

COORDINATION_MIN_HITS = 2  # a category must hit this often to count as a second department
NAME_MAX = 64


@dataclass(frozen=True)
class Category:
    name: str
    department: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class CategoryScore:
    """How one category scored: which keywords matched and how often in all."""

    category: str
    department: str
    matched: tuple[str, ...]
    hits: int


@dataclass(frozen=True)
class Classification:
    category: str
    matched: tuple[str, ...]
    scores: tuple[CategoryScore, ...] = ()


@dataclass(frozen=True)
class Candidate:
    user_id: str
    name: str
    open_cases: int
    department: str = ""


@dataclass(frozen=True)
class Route:
    """A routing-table row; an empty field matches anything."""

    category: str
    respondent_department: str
    severity: str
    department: str


@dataclass(frozen=True)
class Conflict:
    """A handler's declared conflict of interest: with a party by name, or with one case."""

    user_id: str
    party: str = ""
    case_id: str = ""


@dataclass(frozen=True)
class Parties:
    """Who a case concerns, as far as recusal needs to know."""

    case_id: str = ""
    complainant_name: str = ""
    respondent_person: str = ""
    respondent_unit: str = ""
    excluded_handler: str = ""


def score(content: str, category: Category) -> CategoryScore:
    matched = tuple(dict.fromkeys(k for k in category.keywords if k and k in content))
    return CategoryScore(category.name, category.department, matched,
                         sum(content.count(k) for k in matched))


def classify(content: str, categories: list[Category]) -> Classification | None:
    """The category whose keywords occur most often; ties go to more distinct keywords, then
    to the name, so the answer never depends on row order. None when no keyword occurs."""
    scores = sorted((s for s in (score(content, c) for c in categories) if s.hits),
                    key=lambda s: (-s.hits, -len(s.matched), s.category))
    if not scores:
        return None
    return Classification(scores[0].category, scores[0].matched, tuple(scores))


def department_for(category: str | None, categories: list[Category], coordinating: str,
                   respondent_department: str = "") -> str:
    """The category's responsible department; without a category, the department complained
    about if it is one of the tenant's responsible departments; else the coordinating office."""
    for c in categories:
        if c.name == category:
            return c.department
    if respondent_department in {c.department for c in categories}:
        return respondent_department
    return coordinating


def _specificity(route: Route, category: str, respondent_department: str,
                 severity: str) -> int:
    """-1 if the row does not match; else a weight where category beats the other two together."""
    weight = 0
    for field, value, worth in ((route.category, category, 4),
                                (route.respondent_department, respondent_department, 2),
                                (route.severity, severity, 1)):
        if field and field != value:
            return -1
        weight += worth if field else 0
    return weight


def resolve_route(routes: list[Route], *, category: str, respondent_department: str,
                  severity: str) -> Route | None:
    """The most specific matching row; between equally specific rows, the earlier one."""
    best: tuple[int, Route] | None = None
    for route in routes:
        weight = _specificity(route, category, respondent_department, severity)
        if weight >= 0 and (best is None or weight > best[0]):
            best = (weight, route)
    return best[1] if best else None


def involved_departments(primary: str, *, other_departments: Iterable[str] = (),
                         scores: Iterable[CategoryScore] = ()) -> tuple[str, ...]:
    """The departments a complaint spans, the responsible one first.

    Two sources: the departments the complainant names besides the respondent's, and the
    classifier: every category hit at least COORDINATION_MIN_HITS times brings its department
    in (one passing mention of a second topic does not make a case multi-department).
    """
    found = [primary, *(d for d in other_departments if d)]
    found += [s.department for s in scores if s.hits >= COORDINATION_MIN_HITS]
    return tuple(dict.fromkeys(found))


def recused(candidates: list[Candidate], conflicts: list[Conflict], parties: Parties) -> set[str]:
    """User ids who must not handle the case (回避): the person complained about, anyone who
    declared a conflict with one of its parties or with this case, and an excluded handler."""
    names = {parties.complainant_name, parties.respondent_person, parties.respondent_unit} - {""}
    out = {c.user_id for c in candidates
           if parties.respondent_person in (c.user_id, c.name) and parties.respondent_person}
    out |= {c.user_id for c in conflicts
            if (c.party and c.party in names) or (c.case_id and c.case_id == parties.case_id)}
    if parties.excluded_handler:
        out.add(parties.excluded_handler)
    return out


def eligible(candidates: list[Candidate], conflicts: list[Conflict],
             parties: Parties) -> list[Candidate]:
    """The candidates recusal leaves, least loaded first."""
    out = recused(candidates, conflicts, parties)
    return sorted((c for c in candidates if c.user_id not in out),
                  key=lambda c: (c.open_cases, c.user_id))


def pick_handler(candidates: list[Candidate], *, recused: set[str]) -> Candidate | None:
    """The least-loaded handler who is not recused (by user id or name); ties by user id."""
    fit = [c for c in candidates if c.user_id not in recused and c.name not in recused]
    return min(fit, key=lambda c: (c.open_cases, c.user_id), default=None)


def category_errors(name: str, department: str, keywords: list[str],
                    departments: set[str]) -> dict[str, str]:
    """What is wrong with a category edit, by field; departments empty = not known."""
    errors: dict[str, str] = {}
    if not name.strip() or len(name) > NAME_MAX:
        errors["name"] = f"must be 1 to {NAME_MAX} characters"
    if not department.strip():
        errors["department"] = "must not be empty"
    elif departments and department not in departments:
        errors["department"] = f"{department!r} is not one of the tenant's departments"
    if not keywords or any(not k.strip() for k in keywords):
        errors["keywords"] = "must be a non-empty list of non-empty words"
    return errors


def route_errors(routes: list[Route], departments: set[str],
                 categories: set[str]) -> dict[str, str]:
    """What is wrong with a routing table, by row and field, e.g. routes[2].severity."""
    errors: dict[str, str] = {}
    for i, r in enumerate(routes):
        if r.severity and r.severity not in LEVELS:
            errors[f"routes[{i}].severity"] = f"must be empty or one of {', '.join(LEVELS)}"
        if not r.department:
            errors[f"routes[{i}].department"] = "must not be empty"
        elif departments and r.department not in departments:
            errors[f"routes[{i}].department"] = f"{r.department!r} is not a department"
        if r.category and r.category not in categories:
            errors[f"routes[{i}].category"] = f"{r.category!r} is not a category"
    return errors
