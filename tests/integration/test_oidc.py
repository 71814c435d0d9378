"""Production authentication: RS256 tokens checked against an issuer's JWKS served over HTTP."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from casebridge_platform.devstack import ROOT
from cryptography.hazmat.primitives.asymmetric import rsa
from gateway.auth import Authenticator, TenantDirectory
from gateway.settings import GatewaySettings
from starlette.exceptions import HTTPException

ISSUER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """A local HTTP server publishing the issuer's JWKS, as an OIDC provider would."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(ISSUER_KEY.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class JWKS(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            self.send_response(200 if self.path == "/realms/cb/protocol/openid-connect/certs"
                               else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), JWKS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/realms/cb"
    server.shutdown()


def token(issuer: str, key: rsa.RSAPrivateKey, **overrides: object) -> str:
    now = int(time.time())
    claims = {"iss": issuer, "aud": "casebridge", "sub": "u-42", "tenant": "demo-12315",
              "roles": ["handler"], "department": "消费者权益保护科", "iat": now,
              "exp": now + 300, **overrides}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture
def authenticator(issuer: str, tmp_path: Path) -> Authenticator:
    settings = GatewaySettings(auth_mode="oidc", oidc_issuer=issuer,
                               principal_key="p" * 32, var_dir=tmp_path)
    return Authenticator(settings, TenantDirectory.load(ROOT / "deploy/seed/demo-tenants.json"))


async def test_a_token_signed_by_the_issuer_becomes_a_principal(
        issuer: str, authenticator: Authenticator) -> None:
    principal = await authenticator.authenticate(f"Bearer {token(issuer, ISSUER_KEY)}")
    assert (principal.tenant_id, principal.user_id, principal.roles, principal.department) == \
        ("demo-12315", "u-42", ("handler",), "消费者权益保护科")


@pytest.mark.parametrize(("key", "overrides", "status"), [
    (OTHER_KEY, {}, 401),                          # not the issuer's key
    (ISSUER_KEY, {"iss": "https://evil.example"}, 401),
    (ISSUER_KEY, {"aud": "another-app"}, 401),
    (ISSUER_KEY, {"exp": int(time.time()) - 10}, 401),
    (ISSUER_KEY, {"tenant": "demo-unknown"}, 403),
])
async def test_other_tokens_are_refused(issuer: str, authenticator: Authenticator,
                                        key: rsa.RSAPrivateKey, overrides: dict,
                                        status: int) -> None:
    with pytest.raises(HTTPException) as refused:
        await authenticator.authenticate(f"Bearer {token(issuer, key, **overrides)}")
    assert refused.value.status_code == status


async def test_a_verified_token_is_remembered_only_until_it_expires(
        issuer: str, authenticator: Authenticator, monkeypatch: pytest.MonkeyPatch) -> None:
    expiry = int(time.time()) + 1
    bearer = f"Bearer {token(issuer, ISSUER_KEY, exp=expiry)}"
    first = await authenticator.authenticate(bearer)
    verified: list[str] = []
    real_decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: verified.append("again") or
                        real_decode(*a, **k))
    assert await authenticator.authenticate(bearer) == first
    assert verified == []                              # the signature was not checked twice
    tampered = bearer[:-4] + ("AAAA" if not bearer.endswith("AAAA") else "BBBB")
    with pytest.raises(HTTPException) as refused:      # another string: verified, and refused
        await authenticator.authenticate(tampered)
    assert refused.value.status_code == 401 and verified == ["again"]
    await asyncio.sleep(expiry + 0.05 - time.time())  # at most a second
    with pytest.raises(HTTPException) as expired:      # past its exp: refused, not remembered
        await authenticator.authenticate(bearer)
    assert expired.value.status_code == 401
