"""Who may settle a case, close it, or open it again. Pure.

Each check answers None when the step may be taken, else the reason it may not, in words the
caller can act on; the service layer turns a reason into its error.
"""

from __future__ import annotations

from case.domain.case import Case
from case.domain.model import (
    DISPOSITIONS,
    LEGAL_PATH,
    Actor,
    Status,
    reopen_allowed,
)

CLOSING = DISPOSITIONS - {"withdrawn", "merged", "concluded"}   # chosen by staff at close
NOT_REOPENED = frozenset({"merged", "withdrawn", "transferred", "judged"})


def negotiation_barred(case: Case, limit_fen: int, offered_fen: int = 0) -> str | None:
    """A public hospital may not settle by itself a claim of 30,000 元 or more (seed 000
    医疗纠纷处理流程图: "对患方索赔三万元以上的医疗纠纷，公立医疗机构不得自行与患方协商
    解决"; 以上 includes the amount, 《民法典》第一千二百五十九条): it must take a legal path.
    `limit_fen` 0 means the tenant has no such rule."""
    claim = max(case.claimed_amount_fen or 0, offered_fen)
    if not limit_fen or claim < limit_fen:
        return None
    return (f"a claim of {claim / 100:,.2f} 元 is {limit_fen / 100:,.0f} 元 or more: this "
            "institution may not settle it by negotiation; transfer it along a legal path "
            "(people's or administrative mediation, or court) and close it on the outcome")


def settled(case: Case) -> bool:
    """Whether the institution's own handling has run its course: answered and followed up
    with a satisfied complainant, or answered where nobody can be followed up (an anonymous
    complainant, a report)."""
    if case.status == Status.FOLLOW_UP:
        return case.last_follow_up_satisfied is True
    return case.status == Status.ANSWERED and (case.anonymous or case.kind == "report")


def closing_barred(case: Case, disposition: str, limit_fen: int) -> str | None:
    """Closing as `disposition` (one of CLOSING): a legal path's result closes any case; the
    institution's own result only a settled case it may settle by itself."""
    if disposition in LEGAL_PATH:
        return None
    if why := negotiation_barred(case, limit_fen):
        return why
    if not settled(case):
        return (f"a case is closed as {disposition} only after an answer and a satisfied "
                "follow-up (or an answer, for an anonymous complainant or a report); otherwise "
                "close it as mediated, transferred or judged")
    return None


def reopening_barred(case: Case, actor: Actor, max_rounds: int) -> str | None:
    """A case closed by merging, withdrawal, transfer or judgement is registered anew; a case
    past the tenant's rounds is reopened by a leader only."""
    if case.disposition in NOT_REOPENED:
        return (f"a case closed as {case.disposition} is not reopened; register the complaint "
                "anew")
    if not reopen_allowed(case.lifecycle(), actor, max_rounds):
        return (f"this tenant allows {max_rounds} rounds of handling; the case was escalated "
                "to leadership, and only a leader may reopen it")
    return None


def escalates(case: Case, satisfied: bool, max_rounds: int) -> bool:
    """An unsatisfied follow-up in the last round the tenant allows goes to leadership."""
    return not satisfied and case.round >= max_rounds
