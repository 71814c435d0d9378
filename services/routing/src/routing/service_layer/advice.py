"""What staff ask routing before acting, changing nothing: the category a text suggests, the
decision routing would make now, the handlers a department can offer."""

from __future__ import annotations

from datetime import UTC, datetime

from casebridge.routing.v1 import routing_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import InvalidArgument
from casebridge_platform.messaging.outbox import UnitOfWork

from routing.adapters import protos
from routing.domain import rules
from routing.service_layer import handlers, queries
from routing.service_layer.admin import STAFF


async def classify(uow: UnitOfWork, *, principal: Principal,
                   content: str) -> routing_pb2.ClassifyResponse:
    """The best category with every scoring category, so staff can see why."""
    table = await queries.category_list(uow, principal.tenant_id)
    return protos.classification(rules.classify(content, table))


async def route(uow: UnitOfWork, *, principal: Principal,
                request: routing_pb2.RouteRequest) -> routing_pb2.RoutingDecided:
    """What routing would decide now, without reserving a handler."""
    complaint = protos.complaint_of_route(request, received_at=datetime.now(UTC))
    decided = await handlers.decide(uow, tenant_id=principal.tenant_id, complaint=complaint,
                                    parties=rules.Parties())
    return decided.announced


async def candidates(uow: UnitOfWork, *, principal: Principal,
                     request: routing_pb2.ListCandidatesRequest
                     ) -> routing_pb2.ListCandidatesResponse:
    """The department's handlers by load; whoever recusal excludes is never shown."""
    principal.require(*STAFF)
    if not request.department:
        raise InvalidArgument("department is required", {"department": "must not be empty"})
    found = await queries.eligible(uow, principal.tenant_id, request.department,
                                   protos.parties_of(request))
    return protos.candidates(found)


MAX_NAMED = 200


async def named_handlers(uow: UnitOfWork, *, principal: Principal,
                         request: routing_pb2.ListHandlersRequest
                         ) -> routing_pb2.ListCandidatesResponse:
    """The tenant's handlers among the ids asked about (a staff page shows names, not
    ids)."""
    principal.require(*STAFF)
    ids = sorted(set(request.user_ids) - {""})
    if len(ids) > MAX_NAMED:
        raise InvalidArgument(f"at most {MAX_NAMED} user ids",
                              {"user_ids": f"at most {MAX_NAMED}"})
    return protos.candidates(await queries.named(uow, principal.tenant_id, ids) if ids else [])
