"""One complaint through gateway → intake → routing → case → escalation → notification."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from casebridge_platform.calendar import WorkCalendar
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.integration.conftest import BOTH, Platform
from tests.support import complete, routed

NURSING = {
    "kind": "complaint", "channel": "phone",
    "content": "护士输液时态度恶劣，打针三次都没有成功",
    "complainant": {"name": "张三", "phone": "13800000000"},
    "respondent": {"department": "护理部"},
}


async def accept(platform: Platform, case_id: str, headers: dict[str, str],
                 done: Callable[[dict], bool] = complete) -> dict:
    await platform.wait_for_case(case_id, routed, headers)
    answer = await platform.http.post(f"/v1/cases/{case_id}/actions", headers=headers,
                                      json={"action": "accept"})
    assert answer.status_code == 200, answer.text
    return await platform.wait_for_case(case_id, done, headers)


@BOTH
async def test_a_complaint_is_routed_accepted_clocked_and_acknowledged(
        platform: Platform) -> None:
    headers = platform.auth()
    answer = await platform.http.post("/v1/complaints", json=NURSING,
                                      headers={**headers, "Idempotency-Key": "walk-1"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["case_number"].startswith(f"HOSP-{datetime.now().year}-")
    assert body["status"] == "received" and body["first_contact_owner"] == "hosp-clerk"
    assert answer.headers["Location"] == f"/v1/cases/{body['case_id']}"

    # the answer deadline runs from receipt, before anyone accepts the case (issue 16)
    case = await platform.wait_for_case(body["case_id"],
                                        lambda c: routed(c) and c["due_at"], headers)
    received = datetime.fromisoformat(case["received_at"])
    due, _ = WorkCalendar().add_working_days(received, 3)
    assert case["status"] == "received" and datetime.fromisoformat(case["due_at"]) == due
    assert {"accept", "refuse", "refer"} <= set(case["allowed_actions"])
    case = await accept(platform, body["case_id"], headers)
    assert (case["category"], case["department"]) == ("护理质量", "护理部")
    assert case["handler_id"].startswith("hosp-h8")
    assert datetime.fromisoformat(case["due_at"]) == due
    assert "seed 003" in case["deadline_rule"]
    [answer] = (await platform.http.get(f"/v1/cases/{body['case_id']}/deadlines",
                                        headers=headers)).json()
    assert (answer["name"], answer["unit"], answer["amount"]) == \
        ("answer_simple", "working_days", 3)
    assert len(answer["counted"]) == 3 and answer["due_at"] == case["due_at"]
    steps = [e for e in case["timeline"] if e["type"] not in ("deadline_set", "notified")]
    assert [e["type"] for e in steps] == ["received", "routed", "accept"]
    assert {e["type"] for e in case["timeline"]} == {
        "received", "routed", "accept", "deadline_set", "notified"}
    assert "acknowledgement delivered via in_app to complainant" in [
        e["summary"] for e in case["timeline"]]
    accepted = steps[2]
    assert (accepted["from_status"], accepted["to_status"], accepted["actor"]) == \
        ("received", "assigned", "hosp-clerk")
    assert case["complainant"]["name"] == "张三"
    assert case["complainant"]["phone"] == "13800000000"

    listed = await platform.http.get("/v1/cases", headers=headers)
    assert [c["case_id"] for c in listed.json()["items"]] == [body["case_id"]]
    other_tenant = await platform.http.get(
        "/v1/cases", headers=platform.auth("demo-company", "handler", "corp-h1a"))
    assert other_tenant.json()["items"] == []
    hidden = await platform.http.get(f"/v1/cases/{body['case_id']}",
                                     headers=platform.auth("demo-company", "handler", "corp-h1a"))
    assert hidden.status_code == 404


async def test_an_anonymous_report_gets_an_access_code_and_no_push(platform: Platform) -> None:
    headers = platform.auth("demo-12315", "intake_clerk", "cc-clerk")
    answer = await platform.http.post("/v1/complaints", headers=headers, json={
        "kind": "report", "channel": "web", "content": "某超市销售过期食品，标价与结算价不符"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["anonymous"] and body["complainant"] is None
    assert len(body["access_code"]) == 12
    # a report's verification clock (核查, 15 working days) runs from receipt
    case = await platform.wait_for_case(body["case_id"], lambda c: routed(c) and c["due_at"],
                                        headers)
    assert case["kind"] == "report" and case["category"] == "食品安全"
    case = await accept(platform, body["case_id"], headers,
                        lambda c: c["acknowledged"] and c["due_at"] is None)
    summaries = [e["summary"] for e in case["timeline"]]
    assert "acknowledgement delivered via portal to complainant" in summaries
    assert any(s.startswith("report_verification stopped") for s in summaries)
    assert "access_code" not in case


@BOTH
async def test_the_same_idempotency_key_gives_one_case_and_the_same_answer(
        platform: Platform) -> None:
    headers = {**platform.auth(), "Idempotency-Key": "same-key-twice"}
    first = await platform.http.post("/v1/complaints", json=NURSING, headers=headers)
    second = await platform.http.post("/v1/complaints", json=NURSING, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    changed = await platform.http.post("/v1/complaints", headers=headers,
                                       json={**NURSING, "content": "另一件事"})
    assert changed.status_code == 409
    assert changed.headers["content-type"] == "application/problem+json"
    await platform.wait_for_case(first.json()["case_id"], routed, platform.auth())
    listed = (await platform.http.get("/v1/cases", headers=platform.auth())).json()["items"]
    assert [c["case_id"] for c in listed] == [first.json()["case_id"]]


async def test_one_trace_crosses_http_grpc_and_nats(platform: Platform,
                                                    spans: InMemorySpanExporter) -> None:
    spans.clear()
    answer = await platform.http.post("/v1/complaints", json=NURSING, headers=platform.auth())
    await accept(platform, answer.json()["case_id"], platform.auth())
    finished = spans.get_finished_spans()
    grpc_span = next(s for s in finished
                     if s.name == "casebridge.intake.v1.IntakeService/SubmitComplaint")
    in_trace = [s for s in finished if s.context.trace_id == grpc_span.context.trace_id]
    by_id = {s.context.span_id: s for s in in_trace}

    def ancestors(span):
        while span.parent is not None and span.parent.span_id in by_id:
            span = by_id[span.parent.span_id]
            yield span

    http = [s for s in ancestors(grpc_span) if s.kind == SpanKind.SERVER]
    assert grpc_span.kind == SpanKind.SERVER
    assert [s.name for s in http] == ["POST /v1/complaints"] and http[0].parent is None
    consumed = {(s.name, s.attributes["messaging.consumer.group.name"])
                for s in in_trace if s.kind == SpanKind.CONSUMER}
    assert consumed >= {("consume intake.received", "routing"),
                        ("consume intake.received", "case"),
                        ("consume routing.decided", "case"),
                        ("consume case.opened", "escalation")}
    received = next(s for s in in_trace if s.name == "consume intake.received")
    assert grpc_span in ancestors(received)
