"""Classification and routing decisions (分派), pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    name: str
    department: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    category: str
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    user_id: str
    name: str
    open_cases: int


def classify(content: str, categories: list[Category]) -> Classification | None:
    """The category whose keywords occur most often in the text; None when none occurs."""
    best: Classification | None = None
    best_hits = 0
    for category in categories:
        matched = tuple(k for k in category.keywords if k and k in content)
        hits = sum(content.count(k) for k in matched)
        if hits > best_hits:
            best, best_hits = Classification(category.name, matched), hits
    return best


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


def pick_handler(candidates: list[Candidate], *, recused: set[str]) -> Candidate | None:
    """The least-loaded handler who is not recused (回避: e.g. the person complained about)."""
    eligible = [c for c in candidates if c.user_id not in recused and c.name not in recused]
    return min(eligible, key=lambda c: (c.open_cases, c.user_id), default=None)
