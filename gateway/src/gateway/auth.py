"""Staff authentication: bearer JWTs, from `make token` locally or an OIDC issuer's JWKS."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import jwt
from casebridge_platform.auth import INTERNAL_ROLES, ROLES, Principal
from starlette.exceptions import HTTPException

from gateway.settings import GatewaySettings

LOCAL_ISSUER = "casebridge-local"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="casebridge"'}
VERIFIED_KEPT = 4096   # verified bearer tokens remembered until they expire


def load_or_create_key(path: Path) -> bytes:
    """The local signing key, made on first use and kept out of the repository (under var/)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip().encode()


def issue_local_token(key: bytes, *, tenant_id: str, user_id: str, roles: list[str],
                      department: str | None, ttl_s: int = 12 * 3600) -> str:
    now = int(time.time())
    return jwt.encode({"iss": LOCAL_ISSUER, "aud": "casebridge", "sub": user_id,
                       "tenant": tenant_id, "roles": roles, "department": department,
                       "iat": now, "exp": now + ttl_s}, key, algorithm="HS256")


@dataclass(frozen=True)
class TenantDirectory:
    """Which tenants exist; a token naming another tenant is refused."""

    tenants: dict[str, dict]

    @classmethod
    def load(cls, path: Path | None) -> TenantDirectory:
        if path is None:
            return cls({})
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({t["id"]: t for t in data["tenants"]})


class Authenticator:
    """Verifies a bearer token and turns its claims into a principal."""

    def __init__(self, settings: GatewaySettings, directory: TenantDirectory) -> None:
        self._directory = directory
        self._audience = settings.oidc_audience
        self._verified: OrderedDict[str, dict] = OrderedDict()  # token → claims, unexpired
        if settings.auth_mode == "local":
            if settings.token_key_file is None:
                raise RuntimeError("auth_mode=local needs CASEBRIDGE_TOKEN_KEY_FILE")
            self._key: bytes = load_or_create_key(settings.token_key_file)
            self._issuer, self._algorithms, self._jwks = LOCAL_ISSUER, ["HS256"], None
        else:
            if not settings.oidc_issuer:
                raise RuntimeError("auth_mode=oidc needs CASEBRIDGE_OIDC_ISSUER")
            url = settings.oidc_jwks_url or \
                f"{settings.oidc_issuer.rstrip('/')}/protocol/openid-connect/certs"
            self._jwks = jwt.PyJWKClient(url, cache_keys=True, lifespan=300)
            self._issuer, self._algorithms = settings.oidc_issuer, ["RS256", "ES256", "EdDSA"]

    async def authenticate(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise HTTPException(401, "a bearer token is required", headers=CHALLENGE)
        token = authorization[7:].strip()
        claims = self._verified.get(token)
        if claims is not None and claims["exp"] > time.time():
            return self._principal(claims)   # checked before: signature, issuer, audience
        try:
            # The JWKS client may fetch the issuer's keys over HTTP: keep that off the loop.
            key = (await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)).key \
                if self._jwks else self._key
            claims = jwt.decode(token, key, algorithms=self._algorithms,
                                audience=self._audience, issuer=self._issuer,
                                options={"require": ["exp", "sub", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise HTTPException(401, f"the bearer token is not valid: {exc}",
                                headers=CHALLENGE) from exc
        self._remember(token, claims)
        return self._principal(claims)

    def _remember(self, token: str, claims: dict) -> None:
        """Verified tokens kept until they expire (the most recent VERIFIED_KEPT): a caller's
        every request need not verify its signature again, nor fetch the issuer's keys."""
        self._verified[token] = claims
        if len(self._verified) > VERIFIED_KEPT:
            self._verified.popitem(last=False)

    def _principal(self, claims: dict) -> Principal:
        tenant = claims.get("tenant")
        if not isinstance(tenant, str) or tenant not in self._directory.tenants:
            raise HTTPException(403, f"unknown tenant {tenant!r}")
        roles = claims.get("roles") or []
        if not isinstance(roles, list) or not set(roles) <= set(ROLES) - INTERNAL_ROLES:
            raise HTTPException(403, "the token's roles are not ones this platform knows")
        department = claims.get("department")
        return Principal(tenant_id=tenant, user_id=str(claims["sub"]), roles=tuple(roles),
                         department=department if isinstance(department, str) else None)
