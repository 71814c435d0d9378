"""Two deployments side by side, each its own processes, database and stream: a hospital
group's (demo-hospital) and a county mediation centre's (demo-mediation). Their only link is
the cross-agency transfer API with packages signed by each agency's Ed25519 key, which the
other has in its registry. A dispute goes to mediation and comes back; a forged package, a
replayed one and one signed by an agency nobody trusts are refused and change nothing."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from casebridge_platform import federation as fed
from casebridge_platform.devstack import ROOT, Stack, free_port
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.e2e.conftest import eventually, running, token

HOSPITAL, MEDIATION = "demo-hospital", "demo-mediation"
DIVISION = "370000-371300-371321"
DISPUTE = {"kind": "complaint", "channel": "visit",
           "content": "母亲术后出现并发症，家属认为手术存在过错，要求赔偿",
           "demands": "赔偿医疗费2万元", "facts": "10月3日手术，10月6日再次手术",
           "complainant": {"name": "钱七", "phone": "13900000017", "relation": "家属"}}


def keygen(agency: str, kind: str, keyring: Path, url: str) -> dict:
    """What an administrator runs: a key into the keyring, the entry for the peer."""
    out = subprocess.run(
        [sys.executable, "-m", "casebridge_platform.federation", "keygen", agency,
         "--kind", kind, "--division", DIVISION, "--keyring", str(keyring), "--url", url],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.fixture
async def deployments(database: str, nats_url: str, tmp_path: Path
                      ) -> AsyncIterator[tuple[Stack, Stack, Path]]:
    """The hospital's deployment on the test's database, the mediation centre's on SQLite."""
    ports = {HOSPITAL: free_port(), MEDIATION: free_port()}
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    entries = {a: keygen(a, kind, secrets / f"{a}.keyring.json",
                         f"http://127.0.0.1:{ports[a]}")[a]
               for a, kind in ((HOSPITAL, "hospital"), (MEDIATION, "mediation_committee"))}
    env = {}
    for me, peer in ((HOSPITAL, MEDIATION), (MEDIATION, HOSPITAL)):
        registry = secrets / f"{me}.registry.json"
        registry.write_text(json.dumps({"agencies": {peer: entries[peer]}}), "utf-8")
        env[me] = {"CASEBRIDGE_FEDERATION_REGISTRY": str(registry),
                   "CASEBRIDGE_FEDERATION_KEYRING": str(secrets / f"{me}.keyring.json")}
    async with (running(database, nats_url, tmp_path / "hospital", env[HOSPITAL],
                        gateway_port=ports[HOSPITAL], tenants=(HOSPITAL,)) as hospital,
                running("sqlite", nats_url, tmp_path / "mediation", env[MEDIATION],
                        gateway_port=ports[MEDIATION], tenants=(MEDIATION,)) as mediation):
        yield hospital, mediation, secrets


class Desk:
    def __init__(self, stack: Stack, tenant: str, role: str) -> None:
        self.http = httpx.AsyncClient(base_url=stack.gateway_url, timeout=30, headers={
            "Authorization": f"Bearer {token(stack, tenant, role)}"})

    async def act(self, case_id: str, action: str, expect: int = 200, **body: object) -> dict:
        answer = await self.http.post(f"/v1/cases/{case_id}/actions",
                                      json={"action": action, **body})
        assert answer.status_code == expect, answer.text
        return answer.json()

    async def case(self, case_id: str) -> dict:
        answer = await self.http.get(f"/v1/cases/{case_id}")
        return answer.json() if answer.status_code == 200 else {}

    async def offers(self) -> list[dict]:
        return (await self.http.get("/v1/transfers", params={"direction": "in"})).json()


# one database (each process path is the same on both): the other deployment runs on SQLite
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_a_dispute_goes_to_mediation_in_another_deployment_and_comes_back(
        deployments: tuple[Stack, Stack, Path]) -> None:
    hospital_stack, mediation_stack, secrets = deployments
    office = Desk(hospital_stack, HOSPITAL, "supervisor")
    committee = Desk(mediation_stack, MEDIATION, "supervisor")
    submitted = (await office.http.post("/v1/complaints", json=DISPUTE)).json()
    case_id = submitted["case_id"]
    await eventually(lambda: _routed(office, case_id), what="the dispute routed")
    await office.act(case_id, "accept")
    paths = (await office.http.get("/v1/transfer-paths")).json()
    [mediation_path] = [p for p in paths if p["id"] == "people_mediation"]
    assert MEDIATION in mediation_path["agencies"], "the registry's agency may be sent to"
    sent = await office.act(case_id, "transfer", path="people_mediation", to_agency=MEDIATION,
                            reason_code="negotiation_failed", consent=True,
                            note="患方同意人民调解")
    assert sent["status"] == "transferred"
    [out] = sent["transfers"]
    assert out["remote"] and out["peer"] == MEDIATION

    async def offered() -> bool:
        return any(o["status"] == "offered" and o["case_number"] for o in await committee.offers())
    await eventually(offered, what="the offer registered in the other deployment")
    [offer] = await committee.offers()
    assert offer["peer"] == HOSPITAL and offer["peer_case_number"] == submitted["case_number"]
    assert offer["package"]["parties"]["complainant"]["name"] == "钱七"
    linked = await committee.case(offer["case_id"])
    assert linked["channel"] == "transfer" and HOSPITAL in linked["referred_by"]
    await eventually(lambda: _delivered(office, case_id), what="the offer acknowledged")

    await committee.act(offer["case_id"], "accept")
    await eventually(lambda: _entry(office, case_id, "transfer_accepted"),
                     what="the acceptance back at the hospital")
    done = await committee.act(offer["case_id"], "report_outcome", outcome="mediation_failed",
                               text="双方对赔偿数额分歧较大，调解不成")
    assert done["status"] == "closed"
    await eventually(lambda: _entry(office, case_id, "transfer_outcome"),
                     what="the outcome back at the hospital")
    back = await office.case(case_id)
    assert back["status"] in ("accepted", "assigned"), "back in the hospital's hands"
    assert back["transfers"][0]["status"] == "concluded"
    assert back["transfers"][0]["outcome"] == "mediation_failed"

    await _forged_replayed_and_untrusted_are_refused(mediation_stack, committee, secrets)


async def _forged_replayed_and_untrusted_are_refused(mediation_stack: Stack, committee: Desk,
                                                     secrets: Path) -> None:
    url = f"{mediation_stack.gateway_url}/v1/federation/agencies/{MEDIATION}/messages"
    before = len(await committee.offers())
    message = {"message_id": str(uuid.uuid4()), "transfer_id": str(uuid.uuid4()),
               "type": "offer", "from_agency": HOSPITAL, "to_agency": MEDIATION,
               "path": "people_mediation", "sent_at": "2026-11-22T08:00:00+00:00",
               "body": {"reason_code": "negotiation_failed", "consent": True,
                        "case_number": "H-FORGED", "package": {"summary": "伪造的移送"}}}
    async with httpx.AsyncClient(timeout=30) as http:
        forged = fed.sign(message, issuer=HOSPITAL, audience=MEDIATION, key=fed.new_key())
        refused = await http.post(url, json={"jws": forged})
        assert refused.status_code == 401, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        stranger = fed.sign(message, issuer="unknown-agency", audience=MEDIATION,
                            key=fed.new_key())
        assert (await http.post(url, json={"jws": stranger})).status_code == 401
        tampered = _tamper(fed.sign(message, issuer=HOSPITAL, audience=MEDIATION,
                                    key=_key(secrets)))
        assert (await http.post(url, json={"jws": tampered})).status_code == 401

        genuine = fed.sign(message, issuer=HOSPITAL, audience=MEDIATION, key=_key(secrets))
        first = await http.post(url, json={"jws": genuine})
        assert first.status_code == 200 and not first.json()["duplicate"], first.text
        replayed = await http.post(url, json={"jws": genuine})
        assert replayed.status_code == 409 and "replay" in replayed.text
        retried = fed.sign(message, issuer=HOSPITAL, audience=MEDIATION, key=_key(secrets))
        again = await http.post(url, json={"jws": retried})
        assert again.status_code == 200 and again.json()["duplicate"], again.text
    offers = await committee.offers()
    assert len(offers) == before + 1, "only the genuine package made an offer, once"


def _key(secrets: Path) -> Ed25519PrivateKey:
    """The hospital's own key, as its deployment holds it (to sign by hand what it would)."""
    return fed.Keyring.load(secrets / f"{HOSPITAL}.keyring.json").key(HOSPITAL)


def _tamper(token: str) -> str:
    """The same signature over a payload changed in transit (a different case number)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["msg"]["body"]["case_number"] = "H-ALTERED"
    body = base64.urlsafe_b64encode(json.dumps(claims, ensure_ascii=False).encode())
    return f"{header}.{body.rstrip(b'=').decode()}.{signature}"


async def _routed(desk: Desk, case_id: str) -> bool:
    return bool((await desk.case(case_id)).get("department"))


async def _delivered(desk: Desk, case_id: str) -> bool:
    case = await desk.case(case_id)
    return bool(case.get("transfers")) and case["transfers"][0]["delivery"] == "delivered"


async def _entry(desk: Desk, case_id: str, entry: str) -> bool:
    return any(e["type"] == entry for e in (await desk.case(case_id)).get("timeline", []))
