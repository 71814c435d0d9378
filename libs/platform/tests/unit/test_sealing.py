"""Sealed reporter identities: they open only with the key and for their own case."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from casebridge_platform.sealing import Sealer, identity_key

IDENTITY = {"name": "举报人甲", "phone": "13300000005"}


def test_a_sealed_identity_opens_for_its_case_only() -> None:
    sealer = Sealer(secrets.token_bytes(32))
    token = sealer.seal(IDENTITY, bound_to="case-1")
    assert "举报人甲" not in token and "13300000005" not in token
    assert sealer.open(token, bound_to="case-1") == IDENTITY
    with pytest.raises(ValueError, match="does not open"):
        sealer.open(token, bound_to="case-2")
    with pytest.raises(ValueError, match="does not open"):
        Sealer(secrets.token_bytes(32)).open(token, bound_to="case-1")
    assert sealer.seal(IDENTITY, bound_to="case-1") != token, "a fresh nonce each time"


def test_services_starting_together_make_one_key(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: identity_key("", tmp_path), range(16)))
    assert len(keys) == 1 and len(next(iter(keys))) == 32
    assert (tmp_path / "secrets/identity.key").stat().st_mode & 0o777 == 0o600


def test_a_configured_key_must_be_32_bytes(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="32 bytes"):
        identity_key("c2hvcnQ", tmp_path)
