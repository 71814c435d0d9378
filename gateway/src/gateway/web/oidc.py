"""Signing in at the institution's identity provider (auth_mode=oidc): the authorization-code
flow with PKCE.

/signin/oidc sends the browser to the provider's authorization endpoint (found through its
discovery document) with a random state, nonce and S256 code challenge; the three, and where
the person was going, wait in a short-lived signed cookie (HttpOnly, SameSite=Lax, only on
/signin/oidc). /signin/oidc/callback checks the state, exchanges the code with the verifier
(the client authenticates with its secret), verifies the ID token's signature against the
provider's JWKS and its issuer, audience (our client id), nonce and expiry, reads tenant, roles
and department exactly as the API's bearer tokens are read (Authenticator), and opens the
same session cookie as the demo sign-in. The client secret is a SecretStr: never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from typing import Any

import httpx
import jwt

# authlib ships no type hints (no py.typed, no stubs package)
from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.integrations.httpx_client import AsyncOAuth2Client  # type: ignore[import-untyped]
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from gateway.settings import GatewaySettings
from gateway.web.pages import render
from gateway.web.signin import safe_next, start

router = APIRouter(include_in_schema=False)
COOKIE = "cb_oidc"
COOKIE_PATH = "/signin/oidc"
AUDIENCE = "casebridge-oidc-flow"
FLOW_TTL_S = 600            # the time a person has at the provider
DISCOVERY_TTL_S = 300
ALGORITHMS = ["RS256", "ES256", "EdDSA"]
HTTP_TIMEOUT_S = 10.0


class SignInRefused(Exception):
    """The provider's answer could not be trusted or used: said in words, with a status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _flow_key(request: Request) -> bytes:
    """Its own key: a flow cookie is neither a session nor a principal signature."""
    return hmac.new(request.app.state.principal_key, b"casebridge web oidc flow",
                    hashlib.sha256).digest()


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    if settings.auth_mode != "oidc" or not settings.oidc_issuer or not settings.oidc_client_id:
        raise SignInRefused(404, "sign-in at an identity provider is not configured here "
                            "(auth_mode=oidc with an issuer and a client id)")
    return settings


async def discovery(request: Request, settings: GatewaySettings) -> dict[str, Any]:
    """The provider's /.well-known/openid-configuration, kept for a few minutes."""
    cached = getattr(request.app.state, "oidc_discovery", None)
    if cached and cached[0] > time.monotonic():
        return dict(cached[1])
    issuer = (settings.oidc_issuer or "").rstrip("/")
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            answer = await client.get(f"{issuer}/.well-known/openid-configuration")
            answer.raise_for_status()
            document = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SignInRefused(503, "the identity provider cannot be reached; try again "
                            f"later ({type(exc).__name__})") from exc
    if document.get("issuer", "").rstrip("/") != issuer:
        raise SignInRefused(503, "the identity provider's discovery names another issuer")
    request.app.state.oidc_discovery = (time.monotonic() + DISCOVERY_TTL_S, document)
    return dict(document)


def _callback_url(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


def _client(settings: GatewaySettings, request: Request) -> AsyncOAuth2Client:
    secret = settings.oidc_client_secret.get_secret_value() \
        if settings.oidc_client_secret else None
    return AsyncOAuth2Client(client_id=settings.oidc_client_id, client_secret=secret,
                             scope="openid profile", redirect_uri=_callback_url(request),
                             code_challenge_method="S256", timeout=HTTP_TIMEOUT_S)


@router.get("/signin/oidc")
async def begin(request: Request, next: str | None = None) -> Response:
    try:
        settings = _settings(request)
        document = await discovery(request, settings)
    except SignInRefused as refused:
        return _refused(request, refused)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    async with _client(settings, request) as client:
        url, _ = client.create_authorization_url(
            document["authorization_endpoint"], state=state, nonce=nonce,
            code_verifier=verifier)
    response = RedirectResponse(url, status_code=303)
    flow = {"aud": AUDIENCE, "state": state, "nonce": nonce, "verifier": verifier,
            "next": safe_next(next), "exp": int(time.time()) + FLOW_TTL_S}
    response.set_cookie(COOKIE, jwt.encode(flow, _flow_key(request), algorithm="HS256"),
                        max_age=FLOW_TTL_S, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path=COOKIE_PATH)
    return response


def _flow(request: Request, state: str) -> dict[str, Any]:
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRefused(400, "this sign-in was not started in this browser, or took too "
                            "long: start again")
    try:
        flow: dict[str, Any] = jwt.decode(token, _flow_key(request), algorithms=["HS256"],
                                          audience=AUDIENCE, options={"require": ["exp"]})
    except jwt.PyJWTError as exc:
        raise SignInRefused(400, "this sign-in has expired or was altered: start again") \
            from exc
    if not state or not secrets.compare_digest(str(flow.get("state", "")), state):
        raise SignInRefused(400, "the identity provider's answer does not belong to this "
                            "sign-in (wrong state): start again")
    return flow


async def _id_token(request: Request, settings: GatewaySettings, document: dict[str, Any],
                    code: str, flow: dict[str, Any]) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and verify the ID token it brings."""
    try:
        async with _client(settings, request) as client:
            tokens = await client.fetch_token(document["token_endpoint"], code=code,
                                              code_verifier=flow["verifier"])
    except Exception as exc:   # authlib raises OAuthError or httpx errors: say which
        raise SignInRefused(400, "the identity provider refused to exchange the code "
                            f"({getattr(exc, 'error', type(exc).__name__)}): start "
                            "again") from exc
    id_token = tokens.get("id_token")
    if not id_token:
        raise SignInRefused(400, "the identity provider sent no ID token")
    try:
        keys = jwt.PyJWKClient(document["jwks_uri"], cache_keys=False,
                               timeout=int(HTTP_TIMEOUT_S))
        key = (await asyncio.to_thread(keys.get_signing_key_from_jwt, id_token)).key
        claims: dict[str, Any] = jwt.decode(
            id_token, key, algorithms=ALGORITHMS, audience=settings.oidc_client_id,
            issuer=document["issuer"], options={"require": ["exp", "iat", "sub", "iss", "aud"]})
    except jwt.PyJWTError as exc:
        raise SignInRefused(403, f"the ID token is not valid: {exc}") from exc
    if not secrets.compare_digest(str(claims.get("nonce", "")), str(flow["nonce"])):
        raise SignInRefused(403, "the ID token was not issued for this sign-in (wrong nonce)")
    return claims


@router.get("/signin/oidc/callback", name="oidc_callback")
async def callback(request: Request, code: str = "", state: str = "", error: str = "",
                   error_description: str = "") -> Response:
    try:
        settings = _settings(request)
        flow = _flow(request, state)
        if error:
            raise SignInRefused(403, f"the identity provider said no: {error}"
                                f"{' — ' + error_description[:200] if error_description else ''}")
        if not code:
            raise SignInRefused(400, "the identity provider sent no code")
        document = await discovery(request, settings)
        claims = await _id_token(request, settings, document, code, flow)
        try:   # the same reading of tenant, roles and department as the API's bearer tokens
            principal = request.app.state.authenticator._principal(claims)
        except HTTPException as exc:
            raise SignInRefused(exc.status_code, str(exc.detail)) from exc
    except SignInRefused as refused:
        return _refused(request, refused)
    name = str(claims.get("name") or claims.get("preferred_username") or claims["sub"])
    response = start(request, principal, name, flow.get("next"))
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax")
    return response


def _refused(request: Request, refused: SignInRefused) -> Response:
    response = render(request, None, "error.html", status_code=refused.status,
                      message=refused.message)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax")
    return response
