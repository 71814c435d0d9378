"""The signed internal principal: what verifies and what does not."""

from __future__ import annotations

import pytest
from casebridge_platform import auth
from casebridge_platform.errors import PermissionDenied, Unauthenticated

KEY = b"k" * 32
ALICE = auth.Principal("demo-hospital", "alice", ("handler",), "护理部")


def test_a_signed_principal_verifies_to_itself() -> None:
    assert auth.verify(auth.sign(ALICE, KEY), KEY) == ALICE


@pytest.mark.parametrize("token", [None, "", "no-dot", "abc.def"])
def test_garbage_is_refused(token: str | None) -> None:
    with pytest.raises(Unauthenticated):
        auth.verify(token, KEY)


def test_another_key_or_a_changed_body_is_refused() -> None:
    token = auth.sign(ALICE, KEY)
    with pytest.raises(Unauthenticated, match="signature"):
        auth.verify(token, b"x" * 32)
    forged = auth.sign(auth.Principal("demo-company", "alice", ("admin",)), b"x" * 32)
    body = forged.split(".")[0]
    with pytest.raises(Unauthenticated, match="signature"):
        auth.verify(f"{body}.{token.split('.')[1]}", KEY)


def test_an_expired_principal_is_refused() -> None:
    with pytest.raises(Unauthenticated, match="expired"):
        auth.verify(auth.sign(ALICE, KEY, ttl_s=-1), KEY)


def test_require_checks_roles() -> None:
    ALICE.require("handler", "admin")
    with pytest.raises(PermissionDenied):
        ALICE.require("admin")
