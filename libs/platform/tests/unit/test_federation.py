"""Signed case transfers: only a registered agency's own key makes a transfer we accept."""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from casebridge_platform.federation import (
    BadSignature,
    FederationError,
    Keyring,
    Malformed,
    Registry,
    Stale,
    UnknownAgency,
    UnsupportedAlgorithm,
    WrongAudience,
    load_public_key,
    main,
    new_key,
    public_key_b64,
    sign,
    verify,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
MESSAGE = {"case_id": "case-7", "summary": "小区噪音扰民，多次投诉未果", "reporter": "举报人甲"}
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def part(value: object) -> str:
    return b64(json.dumps(value, ensure_ascii=False).encode())


def forge(header: dict, claims: dict, key: Ed25519PrivateKey) -> str:
    """A token with any header and claims, correctly signed by `key`."""
    signing_input = f"{part(header)}.{part(claims)}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def header(**overrides: object) -> dict:
    return {"alg": "EdDSA", "typ": "casebridge-transfer+jws", "kid": "city-a"} | overrides


def claims(**overrides: object) -> dict:
    base = {"iss": "city-a", "aud": "district-b", "iat": int(NOW.timestamp()), "jti": "j-1",
            "msg": MESSAGE}
    return base | overrides


@pytest.fixture
def city_a() -> Ed25519PrivateKey:
    return new_key()


@pytest.fixture
def registry(city_a: Ed25519PrivateKey) -> Registry:
    return Registry.from_dict({"agencies": {"city-a": {
        "public_key": public_key_b64(city_a), "url": "http://city-a:8080", "name": "甲市信访局",
        "kind": "petition_bureau"}}})


def accept(token: str, registry: Registry, now: datetime = NOW):
    return verify(token, audience="district-b", registry=registry, now=now)


def test_a_signed_transfer_verifies_with_its_chinese_text_intact(city_a, registry) -> None:
    token = sign(MESSAGE, issuer="city-a", audience="district-b", key=city_a, now=NOW)
    assert token.count(".") == 2 and "=" not in token
    head = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert head == {"alg": "EdDSA", "typ": "casebridge-transfer+jws", "kid": "city-a"}
    verified = accept(token, registry)
    assert verified.message == MESSAGE
    assert (verified.issuer, verified.audience) == ("city-a", "district-b")
    assert verified.issued_at == NOW and verified.issued_at.tzinfo is not None
    assert registry.get("city-a").name == "甲市信访局" and "city-a" in registry


def test_each_signing_has_a_fresh_jti_unless_one_is_given(city_a, registry) -> None:
    first, second = (sign(MESSAGE, issuer="city-a", audience="district-b", key=city_a, now=NOW)
                     for _ in range(2))
    assert accept(first, registry).jti != accept(second, registry).jti
    given = sign(MESSAGE, issuer="city-a", audience="district-b", key=city_a, now=NOW, jti="j-9")
    assert accept(given, registry).jti == "j-9"


def test_a_payload_altered_after_signing_is_refused(city_a, registry) -> None:
    head, _, signature = sign(MESSAGE, issuer="city-a", audience="district-b", key=city_a,
                              now=NOW).split(".")
    altered = claims(msg=MESSAGE | {"summary": "已办结"})
    with pytest.raises(BadSignature, match="does not verify with 'city-a'") as caught:
        accept(f"{head}.{part(altered)}.{signature}", registry)
    assert caught.value.code == "bad_signature"


def test_a_transfer_signed_with_another_key_in_a_trusted_name_is_refused(registry) -> None:
    forged = sign(MESSAGE, issuer="city-a", audience="district-b", key=new_key(), now=NOW)
    with pytest.raises(BadSignature):
        accept(forged, registry)


def test_an_unregistered_agency_is_refused(registry) -> None:
    stranger = new_key()
    token = sign(MESSAGE, issuer="city-x", audience="district-b", key=stranger, now=NOW)
    with pytest.raises(UnknownAgency, match="'city-x' is not in the registry") as caught:
        accept(token, registry)
    assert caught.value.code == "unknown_agency"


def test_a_kid_that_is_not_the_issuer_is_refused(city_a, registry) -> None:
    token = forge(header(kid="city-a"), claims(iss="city-x"), city_a)
    with pytest.raises(UnknownAgency, match="kid 'city-a' is not the issuer 'city-x'"):
        accept(token, registry)


def test_a_transfer_for_another_agency_is_refused(city_a, registry) -> None:
    token = sign(MESSAGE, issuer="city-a", audience="district-c", key=city_a, now=NOW)
    with pytest.raises(WrongAudience, match="addressed to 'district-c'") as caught:
        accept(token, registry)
    assert caught.value.code == "wrong_audience"


@pytest.mark.parametrize("offset", [timedelta(minutes=-10), timedelta(minutes=10)])
def test_a_transfer_outside_the_replay_window_is_stale(city_a, registry, offset) -> None:
    token = sign(MESSAGE, issuer="city-a", audience="district-b", key=city_a, now=NOW + offset)
    with pytest.raises(Stale, match="future" if offset > timedelta(0) else "ago") as caught:
        accept(token, registry)
    assert caught.value.code == "stale"


@pytest.mark.parametrize("offset", [timedelta(minutes=-4), timedelta(minutes=4)])
def test_a_transfer_inside_the_window_is_accepted(city_a, registry, offset) -> None:
    token = sign(MESSAGE, issuer="city-a", audience="district-b", key=city_a, now=NOW + offset)
    assert accept(token, registry).issued_at == NOW + offset


def test_alg_none_with_no_signature_is_refused(registry) -> None:
    token = f"{part(header(alg='none'))}.{part(claims())}."
    with pytest.raises(UnsupportedAlgorithm, match="alg must be 'EdDSA', not 'none'") as caught:
        accept(token, registry)
    assert caught.value.code == "unsupported_algorithm"


@pytest.mark.parametrize("head", [header(alg="HS256"), header(alg="eddsa"), header(typ="JWT"),
                                  {"typ": "casebridge-transfer+jws", "kid": "city-a"}])
def test_any_other_algorithm_or_type_is_refused(city_a, registry, head) -> None:
    with pytest.raises(UnsupportedAlgorithm):
        accept(forge(head, claims(), city_a), registry)


@pytest.mark.parametrize("token", [
    "", "garbage", "a.b", "a.b.c.d", "!!!.@@@.###",
    f"{b64(b'not json')}.{part(claims())}.c2ln",
    f"{part(['a', 'list'])}.{part(claims())}.c2ln",
    f"{part(header())}.{b64(bytes([0xff, 0xfe]))}.c2ln",
    f"{part(header())}.{part(claims())}" + "." + "A" * (1 << 20),
])
def test_garbage_is_malformed(registry, token) -> None:
    with pytest.raises(Malformed) as caught:
        accept(token, registry)
    assert caught.value.code == "malformed"


@pytest.mark.parametrize(("bad", "field"), [
    ({"iat": "1740816000"}, "iat"), ({"iat": True}, "iat"), ({"msg": "text"}, "msg"),
    ({"jti": ""}, "jti"), ({"aud": None}, "aud"), ({"iss": 7}, "iss"),
])
def test_ill_typed_claims_are_malformed(city_a, registry, bad, field) -> None:
    with pytest.raises(Malformed, match=f"'{field}'"):
        accept(forge(header(), claims(**bad), city_a), registry)


def test_every_refusal_is_a_federation_error_with_a_message() -> None:
    codes = {cls.code for cls in (Malformed, UnsupportedAlgorithm, UnknownAgency, BadSignature,
                                  WrongAudience, Stale)}
    assert len(codes) == 6
    assert issubclass(Stale, FederationError) and Stale("issued late").message == "issued late"


def write(path: Path, document: dict, mode: int = 0o600) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    path.chmod(mode)
    return path


def test_the_registry_loads_from_a_file_or_is_empty(tmp_path: Path, city_a) -> None:
    entry = {"public_key": public_key_b64(city_a) + "=", "url": "https://a.example", "name": "甲",
             "kind": "hospital"}
    loaded = Registry.load(write(tmp_path / "r.json", {"agencies": {"city-a": entry}}))
    assert public_key_b64(loaded.get("city-a").public_key) == public_key_b64(city_a)
    assert loaded.get("city-b") is None and "city-b" not in loaded
    assert "city-a" not in Registry.load(None) and "city-a" not in Registry.load("")


@pytest.mark.parametrize(("entry", "field"), [
    ({"public_key": b64(bytes(31)), "url": "http://b:1", "name": "乙"}, "public_key"),
    ({"public_key": "not*base64", "url": "http://b:1", "name": "乙"}, "public_key"),
    ({"url": "http://b:1", "name": "乙"}, "public_key"),
    ({"public_key": 32, "url": "http://b:1", "name": "乙"}, "public_key"),
    ({"public_key": b64(bytes(32)), "name": "乙"}, "url"),
    ({"public_key": b64(bytes(32)), "url": "b:1", "name": "乙"}, "url"),
    ({"public_key": b64(bytes(32)), "url": "http://b:1", "name": "乙"}, "kind"),
    ({"public_key": b64(bytes(32)), "url": "http://b:1", "kind": "hospital", "division": 3},
     "division"),
])
def test_a_bad_registry_entry_stops_the_load(tmp_path: Path, city_a, entry, field) -> None:
    good = {"public_key": public_key_b64(city_a), "url": "http://a:1", "name": "甲",
            "kind": "hospital"}
    path = write(tmp_path / "r.json", {"agencies": {"city-a": good, "district-b": entry}})
    with pytest.raises(ValueError, match=f"'district-b'.*'{field}'"):
        Registry.load(path)


def test_public_keys_round_trip_and_a_short_one_is_refused() -> None:
    key = new_key()
    assert public_key_b64(load_public_key(public_key_b64(key))) == public_key_b64(key)
    with pytest.raises(ValueError, match="32 bytes"):
        load_public_key(b64(bytes(31)))


@POSIX_ONLY
def test_a_keyring_open_to_others_is_refused(tmp_path: Path, city_a) -> None:
    seed = b64(city_a.private_bytes_raw())
    path = write(tmp_path / "keys.json", {"keys": {"city-a": seed}}, mode=0o644)
    with pytest.raises(ValueError, match="chmod 600") as caught:
        Keyring.load(path)
    assert seed not in str(caught.value)
    path.chmod(0o600)
    keyring = Keyring.load(path)
    assert keyring.public_b64("city-a") == public_key_b64(city_a)
    with pytest.raises(KeyError, match="no private key for agency 'city-b'"):
        keyring.key("city-b")


def test_a_keyring_seed_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "keys.json", {"keys": {"city-a": b64(bytes(16))}})
    with pytest.raises(ValueError, match="'city-a'"):
        Keyring.load(path)


def test_keygen_writes_a_private_keyring_and_prints_the_peer_entry(tmp_path, capsys) -> None:
    path = tmp_path / "secrets" / "keyring.json"
    assert main(["keygen", "city-a", "--kind", "hospital", "--keyring", str(path), "--url", "http://a:8080",
                 "--name", "甲市信访局"]) == 0
    printed = capsys.readouterr().out
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    seed = json.loads(path.read_text())["keys"]["city-a"]
    assert seed not in printed
    peers = Registry.from_dict({"agencies": json.loads(printed)})
    assert peers.get("city-a").name == "甲市信访局" and peers.get("city-a").url == "http://a:8080"
    token = sign(MESSAGE, issuer="city-a", audience="district-b",
                 key=Keyring.load(path).key("city-a"), now=NOW)
    assert accept(token, peers).message == MESSAGE


def test_keygen_refuses_to_replace_a_key_without_force(tmp_path, capsys) -> None:
    path = tmp_path / "keyring.json"
    for agency in ("city-a", "city-b"):
        assert main(["keygen", agency, "--kind", "hospital", "--keyring", str(path),
                     "--url", f"http://{agency[-1]}:1"]) == 0
    before = path.read_text()
    capsys.readouterr()
    assert main(["keygen", "city-a", "--kind", "hospital", "--keyring", str(path)]) == 1
    assert path.read_text() == before and "--force" in capsys.readouterr().err
    assert main(["keygen", "city-a", "--kind", "hospital", "--keyring", str(path), "--force"]) == 0
    after = json.loads(path.read_text())["keys"]
    assert after["city-a"] != json.loads(before)["keys"]["city-a"]
    assert after["city-b"] == json.loads(before)["keys"]["city-b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keyring.json"], "no temp files left"
