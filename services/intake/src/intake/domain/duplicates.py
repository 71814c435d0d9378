"""Possible duplicates (重复投诉): the same person or respondent, saying much the same thing.

A complainant who calls again, or writes to two offices, should not open a second case
unnoticed. Intake only flags: a score in 0..1 and the reasons, for staff to judge. The
content is compared by character bigrams, which suit Chinese (no word segmentation needed)
and tolerate small rewordings.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

THRESHOLD = 0.5
MAX_FLAGGED = 5
MIN_CONTENT = 0.3   # without similar content, a shared phone is just a returning complainant
CONTENT_WEIGHT = 0.6
# How much each shared fact says that two submissions come from, or are about, the same.
WEIGHTS = {"phone": 0.6, "name": 0.4, "respondent unit": 0.3, "respondent": 0.3,
           "respondent person": 0.4}
_NOT_TEXT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Fingerprint:
    """What is compared of a submission; phone and name are empty unless it is real-name."""

    case_id: str
    case_number: str
    content: str
    phone: str = ""
    name: str = ""
    respondent_unit: str = ""
    respondent_department: str = ""
    respondent_person: str = ""


@dataclass(frozen=True)
class Match:
    case_id: str
    case_number: str
    score: float
    reasons: tuple[str, ...]


@functools.lru_cache(maxsize=8192)
def phone_key(phone: str) -> str:
    """Digits only, so "138 0000 0000" and "13800000000" are the same phone."""
    return "".join(c for c in phone if c.isdigit())


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, without spaces or punctuation."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text).lower())


@functools.lru_cache(maxsize=8192)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the normalised text; a single character stands for itself.
    Cached: each recent submission is compared with many that follow it."""
    plain = normalise(text)
    if len(plain) < 2:
        return frozenset({plain} - {""})
    return frozenset(plain[i:i + 2] for i in range(len(plain) - 1))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' bigram sets: 1.0 the same, 0.0 nothing shared."""
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def shared(new: Fingerprint, old: Fingerprint) -> list[tuple[str, float]]:
    """The facts two submissions share, each as (reason, weight)."""
    found: list[tuple[str, float]] = []
    if new.phone and phone_key(new.phone) == phone_key(old.phone):
        found.append(("same phone", WEIGHTS["phone"]))
    if new.name.strip() and new.name.strip() == old.name.strip():
        found.append(("same name", WEIGHTS["name"]))
    for label, mine, theirs in (
            ("respondent unit", new.respondent_unit, old.respondent_unit),
            ("respondent", new.respondent_department, old.respondent_department),
            ("respondent person", new.respondent_person, old.respondent_person)):
        if mine.strip() and mine.strip() == theirs.strip():
            found.append((f"same {label} {mine.strip()}", WEIGHTS[label]))
    return found


def match(new: Fingerprint, old: Fingerprint) -> Match | None:
    """A possible duplicate when something is shared, the content is similar and the score
    reaches the threshold; None otherwise."""
    facts = shared(new, old)
    if not facts:
        return None
    content = similarity(new.content, old.content)
    if content < MIN_CONTENT:
        return None
    identity = min(1.0, sum(weight for _, weight in facts))
    score = round(CONTENT_WEIGHT * content + (1 - CONTENT_WEIGHT) * identity, 2)
    if score < THRESHOLD:
        return None
    reasons = (*(reason for reason, _ in facts), f"content {content:.2f} similar")
    return Match(old.case_id, old.case_number, score, reasons)


def rank(new: Fingerprint, earlier: list[Fingerprint]) -> list[Match]:
    """The best few possible duplicates among earlier submissions (most recent first), best
    first; on equal scores the more recent wins."""
    found = [m for old in earlier if old.case_id != new.case_id
             if (m := match(new, old)) is not None]
    return sorted(found, key=lambda m: -m.score)[:MAX_FLAGGED]
