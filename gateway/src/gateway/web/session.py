"""A signed-in person's session: a signed, expiring cookie; and the CSRF token its forms carry.

The cookie holds who signed in (tenant, user, roles, department, display name), their language
and a random CSRF token, signed (HS256) with a key derived from the principal key, HttpOnly,
SameSite=Lax, Secure when the page was served over TLS. Every state-changing form posts the
CSRF token (a hidden field, or the `X-CSRF-Token` header that htmx sends); a post without the
session's token is refused. Bearer tokens for the API are untouched by any of this.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

import jwt
from casebridge_platform.auth import Principal
from fastapi import Request, Response
from starlette.exceptions import HTTPException

COOKIE = "cb_session"
AUDIENCE = "casebridge-web"
LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True)
class Session:
    tenant_id: str
    user_id: str
    roles: tuple[str, ...]
    department: str | None
    name: str
    lang: str
    csrf: str
    expires: int

    @property
    def principal(self) -> Principal:
        return Principal(tenant_id=self.tenant_id, user_id=self.user_id, roles=self.roles,
                         department=self.department)

    def has(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.roles))


def session_key(signing_key: bytes) -> bytes:
    """Its own key: a session cookie is never a valid principal signature, nor the reverse."""
    return hmac.new(signing_key, b"casebridge web session", hashlib.sha256).digest()


def new(principal: Principal, *, name: str, lang: str, ttl_s: int) -> Session:
    return Session(principal.tenant_id, principal.user_id, tuple(principal.roles),
                   principal.department, name, lang if lang in LANGUAGES else LANGUAGES[0],
                   secrets.token_urlsafe(24), int(time.time()) + ttl_s)


def _key(request: Request) -> bytes:
    return session_key(request.app.state.principal_key)


def write(request: Request, response: Response, session: Session) -> None:
    claims: dict[str, Any] = {
        "aud": AUDIENCE, "tenant": session.tenant_id, "sub": session.user_id,
        "roles": list(session.roles), "department": session.department, "name": session.name,
        "lang": session.lang, "csrf": session.csrf, "exp": session.expires}
    response.set_cookie(COOKIE, jwt.encode(claims, _key(request), algorithm="HS256"),
                        max_age=max(session.expires - int(time.time()), 0), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")


def clear(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")


def read(request: Request) -> Session | None:
    """The session of this request; None when there is none, or it expired or was forged."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        c = jwt.decode(token, _key(request), algorithms=["HS256"], audience=AUDIENCE,
                       options={"require": ["exp", "sub", "aud"]})
    except jwt.PyJWTError:
        return None
    if c.get("tenant") not in request.app.state.directory.tenants:
        return None
    return Session(str(c["tenant"]), str(c["sub"]), tuple(c.get("roles") or ()),
                   c.get("department"), str(c.get("name", "")), str(c.get("lang", "zh-CN")),
                   str(c.get("csrf", "")), int(c["exp"]))


class SignInRequired(Exception):
    """A page asked for without a session: the browser goes to the sign-in page."""


def required(request: Request) -> Session:
    found = read(request)
    if found is None:
        raise SignInRequired
    return found


def check_csrf(request: Request, session: Session, submitted: str | None) -> None:
    """A state-changing request must carry the session's CSRF token (form field or header)."""
    token = submitted or request.headers.get("x-csrf-token", "")
    if not token or not secrets.compare_digest(token, session.csrf):
        raise HTTPException(403, "the form is stale or did not come from casebridge: "
                            "reload the page and try again")


def with_language(session: Session, lang: str) -> Session:
    return replace(session, lang=lang if lang in LANGUAGES else session.lang)
