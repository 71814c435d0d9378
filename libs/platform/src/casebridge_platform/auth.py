"""The signed internal principal (tenant, user, roles, department) carried in gRPC metadata."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from casebridge_platform.errors import PermissionDenied, Unauthenticated

METADATA_KEY = "x-casebridge-principal"
ROLES = ("intake_clerk", "handler", "supervisor", "leader", "admin", "system", "complainant")
INTERNAL_ROLES = frozenset({"system", "complainant"})  # never granted by a staff token


@dataclass(frozen=True)
class Principal:
    """Who is asking, for which tenant; services authorise on it again."""

    tenant_id: str
    user_id: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    department: str | None = None

    def require(self, *roles: str) -> None:
        if not set(roles) & set(self.roles):
            raise PermissionDenied(f"this needs one of the roles: {', '.join(roles)}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(principal: Principal, key: bytes, ttl_s: int = 300) -> str:
    """Serialise and HMAC-sign a principal for one hop; it expires after ttl_s."""
    claims = {"t": principal.tenant_id, "u": principal.user_id, "r": list(principal.roles),
              "d": principal.department, "exp": int(time.time()) + ttl_s}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    mac = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(token: str | None, key: bytes) -> Principal:
    """Check signature and expiry; raise Unauthenticated otherwise."""
    if not token or "." not in token:
        raise Unauthenticated("missing internal principal")
    body, mac = token.rsplit(".", 1)
    want = hmac.new(key, body.encode(), hashlib.sha256).digest()
    try:
        valid = hmac.compare_digest(want, _unb64(mac))
        claims = json.loads(_unb64(body)) if valid else None
    except (ValueError, json.JSONDecodeError):
        valid = False
    if not valid or claims is None:
        raise Unauthenticated("internal principal signature does not verify")
    if claims["exp"] < time.time():
        raise Unauthenticated("internal principal has expired")
    return Principal(claims["t"], claims["u"], tuple(claims["r"]), claims.get("d"))


current_principal: ContextVar[Principal | None] = ContextVar("current_principal", default=None)


def principal() -> Principal:
    """The principal of the request being served."""
    found = current_principal.get()
    if found is None:
        raise Unauthenticated("no principal for this call")
    return found
