"""Signed case transfers between casebridge deployments (跨机构移送): Ed25519 compact JWS.

Two deployments run apart and talk over HTTP, so the connection proves nothing about who sent a
case. Each transfer carries its sending agency's signature; the receiver trusts only the public
keys in its registry, a file its administrator fills in from each peer's `keygen` output.
Private keys live in a keyring file that only this deployment's own account may read.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG = "EdDSA"
TYP = "casebridge-transfer+jws"
MAX_TOKEN = 1 << 20  # a transfer is a case file, not its attachments
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class FederationError(Exception):
    """A transfer the receiver refuses; `code` is stable (for answers and metrics), the message
    says exactly what is wrong."""

    code = "federation_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Malformed(FederationError):
    code = "malformed"


class UnsupportedAlgorithm(FederationError):
    code = "unsupported_algorithm"


class UnknownAgency(FederationError):
    code = "unknown_agency"


class BadSignature(FederationError):
    code = "bad_signature"


class WrongAudience(FederationError):
    code = "wrong_audience"


class Stale(FederationError):
    code = "stale"


@dataclass(frozen=True)
class Verified:
    issuer: str
    audience: str
    jti: str
    issued_at: datetime
    message: dict[str, Any]


@dataclass(frozen=True)
class Agency:
    agency_id: str
    public_key: Ed25519PublicKey
    url: str
    name: str
    kind: str = ""          # its tenant kind (hospital, mediation_committee …): its paths
    division: str = ""      # its administrative division path, e.g. 370000-371300-371321


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: object) -> bytes:
    """Strict base64url: the alphabet only and the canonical spelling, so one token has one
    text; padding is tolerated because keys get pasted with it."""
    if not isinstance(text, str):
        raise ValueError(f"expected a base64url string, got {type(text).__name__}")
    body = text.removesuffix("==") if text.endswith("==") else text.removesuffix("=")
    if not _B64URL.fullmatch(body):
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    if _b64encode(raw) != body:
        raise ValueError("not canonical base64url")
    return raw


def _dumps(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _utc(now: datetime | None) -> datetime:
    """A naive `now` is taken as UTC, never as the host's local time."""
    now = now or datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return _b64encode(public.public_bytes_raw())


def load_public_key(b64: str) -> Ed25519PublicKey:
    raw = _b64decode(b64)
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, this one is {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(message: dict[str, Any], *, issuer: str, audience: str, key: Ed25519PrivateKey,
         now: datetime | None = None, jti: str | None = None) -> str:
    """A fresh jti on every call: a retry is a new signing, and the receiver's replay memory
    keys on jti."""
    header = {"alg": ALG, "typ": TYP, "kid": issuer}
    claims = {"iss": issuer, "aud": audience, "iat": int(_utc(now).timestamp()),
              "jti": jti or str(uuid.uuid4()), "msg": message}
    signing_input = f"{_b64encode(_dumps(header))}.{_b64encode(_dumps(claims))}"
    return f"{signing_input}.{_b64encode(key.sign(signing_input.encode('ascii')))}"


def _json_part(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(part).decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad base64, UTF-8 and JSON are all ValueError
        raise Malformed(f"the {what} is not base64url-encoded UTF-8 JSON ({exc})") from None
    if not isinstance(value, dict):
        raise Malformed(f"the {what} is not a JSON object")
    return value


def _text(claims: dict[str, Any], name: str, what: str = "claim") -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value:
        raise Malformed(f"the {what} {name!r} is missing or not a non-empty string")
    return value


def _check_header(header: dict[str, Any]) -> str:
    if header.get("alg") != ALG:
        raise UnsupportedAlgorithm(f"alg must be {ALG!r}, not {header.get('alg')!r}")
    if header.get("typ") != TYP:
        raise UnsupportedAlgorithm(f"typ must be {TYP!r}, not {header.get('typ')!r}")
    return _text(header, "kid", "header field")


def _verified(claims: dict[str, Any], issuer: str, audience: str, now: datetime | None,
              max_skew: timedelta) -> Verified:
    """Runs only on signed claims: their shape, the audience and the replay window."""
    aud, jti, iat, message = (_text(claims, "aud"), _text(claims, "jti"), claims.get("iat"),
                              claims.get("msg"))
    if not isinstance(iat, int) or isinstance(iat, bool):
        raise Malformed("the claim 'iat' is missing or not an integer")
    if not isinstance(message, dict):
        raise Malformed("the claim 'msg' is missing or not a JSON object")
    if aud != audience:
        raise WrongAudience(f"the transfer is addressed to {aud!r}, this is {audience!r}")
    age = _utc(now).timestamp() - iat
    if abs(age) > max_skew.total_seconds():
        when = f"{age:.0f} s ago" if age > 0 else f"{-age:.0f} s in the future"
        raise Stale(f"issued {when}; the window is ±{max_skew.total_seconds():.0f} s")
    return Verified(issuer, aud, jti, datetime.fromtimestamp(iat, UTC), message)


def verify(token: str, *, audience: str, registry: Registry, now: datetime | None = None,
           max_skew: timedelta = timedelta(minutes=5)) -> Verified:
    """Only iss/kid are read before the signature is checked, and only to choose the key."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise Malformed(f"the token is not a string of at most {MAX_TOKEN} characters")
    parts = token.split(".")
    if len(parts) != 3:
        raise Malformed(f"a compact JWS has 3 dot-separated parts, this has {len(parts)}")
    kid = _check_header(_json_part(parts[0], "header"))
    claims = _json_part(parts[1], "payload")
    issuer = _text(claims, "iss")
    if kid != issuer:
        raise UnknownAgency(f"the header kid {kid!r} is not the issuer {issuer!r}")
    agency = registry.get(issuer)
    if agency is None:
        raise UnknownAgency(f"agency {issuer!r} is not in the registry of trusted agencies")
    try:
        agency.public_key.verify(_b64decode(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (InvalidSignature, ValueError):
        raise BadSignature(f"the signature does not verify with {issuer!r}'s key") from None
    return _verified(claims, issuer, audience, now, max_skew)


def _agency(agency_id: str, entry: object) -> Agency:
    where = f"registry entry for agency {agency_id!r}"
    if not agency_id or not isinstance(entry, dict):
        raise ValueError(f"{where}: must be an object with public_key, url and name")
    try:
        key = load_public_key(entry.get("public_key", ""))
    except ValueError as exc:
        raise ValueError(f"{where}: field 'public_key' is bad: {exc}") from None
    url = entry.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"{where}: field 'url' is missing or not an http(s) URL")
    name, kind = entry.get("name", agency_id), entry.get("kind")
    if not isinstance(name, str):
        raise ValueError(f"{where}: field 'name' is not a string")
    if not isinstance(kind, str) or not kind:
        raise ValueError(f"{where}: field 'kind' (the agency's tenant kind) is missing")
    division = entry.get("division", "")
    if not isinstance(division, str):
        raise ValueError(f"{where}: field 'division' is not a string")
    return Agency(agency_id, key, url, name, kind, division)


class Registry:
    """The agencies this deployment accepts transfers from; built whole or not at all."""

    def __init__(self, agencies: Mapping[str, Agency] | None = None) -> None:
        self._agencies = dict(agencies or {})

    @classmethod
    def load(cls, path: str | Path | None) -> Registry:
        """No path configured: a deployment that federates with nobody."""
        if not path:
            return cls()
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: object) -> Registry:
        agencies = data.get("agencies") if isinstance(data, dict) else None
        if not isinstance(agencies, dict):
            raise ValueError('a registry is {"agencies": {"<id>": {...}}}')
        return cls({agency_id: _agency(agency_id, entry) for agency_id, entry in agencies.items()})

    def get(self, agency_id: str) -> Agency | None:
        return self._agencies.get(agency_id)

    @property
    def agencies(self) -> Mapping[str, Agency]:
        return dict(self._agencies)

    def __contains__(self, agency_id: object) -> bool:
        return agency_id in self._agencies


def _private_key(agency_id: str, seed: object) -> Ed25519PrivateKey:
    try:
        raw = _b64decode(seed)
    except ValueError:
        raw = b""
    if len(raw) != 32:  # the message never repeats the seed
        raise ValueError(f"keyring entry for agency {agency_id!r} is not a base64url 32-byte seed")
    return Ed25519PrivateKey.from_private_bytes(raw)


class Keyring:
    """This deployment's own agencies' private keys; nothing here prints them."""

    def __init__(self, keys: Mapping[str, Ed25519PrivateKey] | None = None) -> None:
        self._keys = dict(keys or {})

    @classmethod
    def load(cls, path: str | Path) -> Keyring:
        """Refuses a file others may read, as ssh does: the mode is checked on the open file."""
        path = Path(path)
        with path.open("rb") as file:
            mode = os.fstat(file.fileno()).st_mode & 0o777
            if os.name == "posix" and mode & 0o077:
                raise ValueError(f"keyring {path} has mode {mode:04o}, open to group or others; "
                                 f"run: chmod 600 {path}")
            data = json.loads(file.read().decode("utf-8"))
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(keys, dict):
            raise ValueError(f'keyring {path} must be {{"keys": {{"<agency_id>": "<seed>"}}}}')
        return cls({agency_id: _private_key(agency_id, seed) for agency_id, seed in keys.items()})

    def key(self, agency_id: str) -> Ed25519PrivateKey:
        try:
            return self._keys[agency_id]
        except KeyError:
            raise KeyError(f"the keyring has no private key for agency {agency_id!r}") from None

    def public_b64(self, agency_id: str) -> str:
        return public_key_b64(self.key(agency_id))

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def __contains__(self, agency_id: object) -> bool:
        return agency_id in self._keys


def _write_private(path: Path, document: dict[str, Any]) -> None:
    """Created 0600 beside the target and renamed over it: never readable by others, and a
    crash leaves the old keyring whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _keygen(args: argparse.Namespace) -> int:
    try:
        keyring = Keyring.load(args.keyring) if args.keyring.exists() else Keyring()
    except ValueError as exc:
        print(f"keygen: {exc}", file=sys.stderr)
        return 1
    if args.agency_id in keyring and not args.force:
        print(f"keygen: {args.keyring} already has a key for {args.agency_id!r}; --force replaces"
              " it, and every peer must then update its registry", file=sys.stderr)
        return 1
    key = new_key()
    seeds = {agency: _b64encode(keyring.key(agency).private_bytes_raw())
             for agency in keyring.agencies}
    seeds[args.agency_id] = _b64encode(key.private_bytes_raw())
    _write_private(args.keyring, {"keys": seeds})
    entry = {"public_key": public_key_b64(key), "url": args.url,
             "name": args.name or args.agency_id, "kind": args.kind, "division": args.division}
    print(json.dumps({args.agency_id: entry}, ensure_ascii=False, indent=2))
    if not args.url:
        print("keygen: no --url given; fill in the entry's url before peers load it",
              file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casebridge_platform.federation",
                                     description="Keys for signed case transfers.")
    commands = parser.add_subparsers(dest="command", required=True)
    keygen = commands.add_parser("keygen", help="add a fresh key for an agency to the keyring "
                                 "and print its registry entry for the peers")
    keygen.add_argument("agency_id")
    keygen.add_argument("--keyring", type=Path, required=True)
    keygen.add_argument("--url", default="")
    keygen.add_argument("--name", default="")
    keygen.add_argument("--kind", required=True, help="the agency's tenant kind, e.g. hospital")
    keygen.add_argument("--division", default="", help="its division, e.g. 370000-371300")
    keygen.add_argument("--force", action="store_true", help="replace an existing key")
    args = parser.parse_args(argv)
    if not args.agency_id.strip():
        parser.error("AGENCY_ID must not be empty")
    return _keygen(args)


if __name__ == "__main__":
    sys.exit(main())
