"""Signing in to the pages at an OpenID Connect provider: authorization code with PKCE, against
a real provider over HTTP (a small one here: discovery, JWKS, /authorize, /token)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
import uvicorn
from casebridge_platform.devstack import ROOT, free_port
from cryptography.hazmat.primitives.asymmetric import rsa
from gateway.app import create_app
from gateway.settings import GatewaySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID, CLIENT_SECRET = "casebridge-web", "s3cret-of-the-client"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
GATEWAY = "http://casebridge.test"


@dataclass
class Provider:
    """An identity provider with what it was asked and how it should misbehave."""

    url: str = ""
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)     # overrides for the next ID token
    challenge: str | None = None        # pretend the code was issued for another challenge
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> Starlette:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))

        async def discovery(request: Request) -> Response:
            return JSONResponse({
                "issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"], "id_token_signing_alg_values_supported":
                ["RS256"], "code_challenge_methods_supported": ["S256"]})

        async def jwks(request: Request) -> Response:
            return JSONResponse({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})

        async def authorize(request: Request) -> Response:
            q = request.query_params
            assert q["client_id"] == CLIENT_ID and q["response_type"] == "code"
            assert q["code_challenge_method"] == "S256" and "openid" in q["scope"].split()
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"challenge": q["code_challenge"], "nonce": q["nonce"],
                                "redirect_uri": q["redirect_uri"]}
            answer = urlencode({"code": code, "state": q["state"]})
            return RedirectResponse(f"{q['redirect_uri']}?{answer}", status_code=302)

        async def token(request: Request) -> Response:
            form = {k: str(v) for k, v in (await request.form()).items()}
            self.token_requests.append(form)
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("authorization") != f"Basic {basic}":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            issued = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(
                hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if issued is None or issued["redirect_uri"] != form.get("redirect_uri") or \
                    challenge != (self.challenge or issued["challenge"]):
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            now = int(time.time())
            claims = {"iss": self.url, "aud": CLIENT_ID, "sub": "u-7", "tenant": "demo-hospital",
                      "roles": ["intake_clerk"], "department": "医患关系办公室",
                      "name": "李受理", "nonce": issued["nonce"], "iat": now,
                      "exp": now + 300, **self.claims}
            return JSONResponse({"access_token": secrets.token_urlsafe(16),
                                 "token_type": "Bearer", "expires_in": 300, "id_token":
                                 jwt.encode(claims, KEY, algorithm="RS256",
                                            headers={"kid": "k1"})})

        return Starlette(routes=[
            Route("/.well-known/openid-configuration", discovery), Route("/jwks", jwks),
            Route("/authorize", authorize), Route("/token", token, methods=["POST"])])


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    found = Provider()
    port = free_port()
    found.url = f"http://127.0.0.1:{port}/realms/cb"
    outer = Starlette()
    outer.mount("/realms/cb", found.app())
    server = uvicorn.Server(uvicorn.Config(outer, host="127.0.0.1", port=port,
                                           lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "the provider did not start"
        await asyncio.sleep(0.02)
    yield found
    server.should_exit = True
    await serving


def gateway(provider: Provider, tmp_path: Path, **overrides: Any) -> httpx.AsyncClient:
    settings = GatewaySettings(
        auth_mode="oidc", oidc_issuer=provider.url, oidc_jwks_url=f"{provider.url}/jwks",
        oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET, principal_key="p" * 32,
        var_dir=tmp_path, tenants_file=ROOT / "deploy/seed/demo-tenants.json", **overrides)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings)),
                             base_url=GATEWAY)


async def authorize(gw: httpx.AsyncClient, target: str = "/inbox") -> str:
    """The browser's way out and back: our redirect, then the provider's; the callback URL."""
    out = await gw.get("/signin/oidc", params={"next": target})
    assert out.status_code == 303
    cookie = out.headers["set-cookie"]
    assert "cb_oidc=" in cookie and "HttpOnly" in cookie and "Path=/signin/oidc" in cookie
    async with httpx.AsyncClient() as browser:
        back = await browser.get(out.headers["location"])
    assert back.status_code == 302
    return back.headers["location"]


async def test_a_person_signs_in_at_the_provider_and_gets_a_session(
        provider: Provider, tmp_path: Path) -> None:
    async with gateway(provider, tmp_path) as gw:
        assert (await gw.get("/")).headers["location"] == "/signin"
        page = await gw.get("/signin", params={"next": "/register"})
        assert 'href="/signin/oidc?next=/register"' in page.text
        assert "as-hosp-clerk" not in page.text             # no demo sign-in in production
        callback = await authorize(gw, "/register")
        sent = parse_qs(urlsplit(callback).query)
        assert urlsplit(callback).path == "/signin/oidc/callback" and sent["code"]
        opened = await gw.get(callback)
        assert opened.status_code == 303 and opened.headers["location"] == "/register"
        assert "cb_session=" in opened.headers["set-cookie"]
        assert (await gw.get("/")).headers["location"] == "/inbox"     # signed in
        assert "李受理" in (await gw.get("/signin")).text
        [exchange] = provider.token_requests
        assert exchange["grant_type"] == "authorization_code" and exchange["code_verifier"]
        assert CLIENT_SECRET not in json.dumps(exchange)      # the secret goes in the header
        again = await gw.get(callback)                          # a replayed callback
        assert again.status_code == 400 and "start again" in again.text


async def test_a_wrong_state_is_refused(provider: Provider, tmp_path: Path) -> None:
    async with gateway(provider, tmp_path) as gw:
        callback = await authorize(gw)
        code = parse_qs(urlsplit(callback).query)["code"][0]
        forged = await gw.get("/signin/oidc/callback", params={"code": code, "state": "forged"})
        assert forged.status_code == 400
        assert "wrong state" in forged.text
        assert "cb_session" not in forged.headers.get("set-cookie", "")
        assert provider.token_requests == []                 # the code was not even exchanged
        assert (await gw.get("/")).headers["location"] == "/signin"
    async with gateway(provider, tmp_path) as stranger:        # a callback in another browser
        alien = await stranger.get(callback)
        assert alien.status_code == 400 and "not started in this browser" in alien.text


@pytest.mark.parametrize(("misbehaviour", "status", "words"), [
    ({"claims": {"nonce": "another-sign-in"}}, 403, "wrong nonce"),
    ({"claims": {"aud": "another-app"}}, 403, "Audience doesn"),
    ({"claims": {"iss": "https://evil.example"}}, 403, "Invalid issuer"),
    ({"claims": {"exp": int(time.time()) - 60}}, 403, "expired"),
    ({"claims": {"tenant": "demo-unknown"}}, 403, "unknown tenant"),
    ({"challenge": "a-challenge-for-another-verifier"}, 400, "invalid_grant"),
])
async def test_an_answer_that_cannot_be_trusted_is_refused_in_words(
        provider: Provider, tmp_path: Path, misbehaviour: dict[str, Any], status: int,
        words: str) -> None:
    for name, value in misbehaviour.items():
        setattr(provider, name, value)
    async with gateway(provider, tmp_path) as gw:
        refused = await gw.get(await authorize(gw))
        assert refused.status_code == status
        assert words in refused.text and "Traceback" not in refused.text
        assert "cb_session" not in refused.headers.get("set-cookie", "")
        assert (await gw.get("/")).headers["location"] == "/signin"


async def test_an_expired_session_sends_the_person_back_to_sign_in(
        provider: Provider, tmp_path: Path) -> None:
    async with gateway(provider, tmp_path, session_ttl_s=1) as gw:
        opened = await gw.get(await authorize(gw))
        assert opened.status_code == 303
        assert (await gw.get("/")).headers["location"] == "/inbox"
        await asyncio.sleep(2.1)
        later = await gw.get("/register")
        assert later.status_code == 303
        assert later.headers["location"] == "/signin?next=/register"
        htmx = await gw.get("/register", headers={"HX-Request": "true"})
        assert htmx.status_code == 401 and htmx.headers["hx-redirect"] == "/signin?expired=1"
