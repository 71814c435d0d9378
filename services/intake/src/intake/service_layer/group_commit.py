"""Group commit: submissions that arrive together are stored in one transaction.

Each submission still gets its own number, answer and event; what is shared is the
transaction, its commit and the relay's publish, which is where the time went when every
submission paid for its own. A batch that fails as a whole is retried one by one, so one
submission's failure is never another's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy.exc
from casebridge.intake.v1 import intake_pb2
from casebridge_platform.auth import Principal
from casebridge_platform.errors import DomainError
from casebridge_platform.messaging.outbox import UnitOfWork
from casebridge_platform.sealing import Sealer
from opentelemetry import context as otel_context

from intake.service_layer import handlers

Answer = intake_pb2.SubmitComplaintResponse


@dataclass(eq=False)
class _Waiting:
    principal: Principal
    request: intake_pb2.SubmitComplaintRequest
    answer: asyncio.Future[Answer]
    trace: otel_context.Context = field(default_factory=otel_context.get_current)

    def settle(self, outcome: Answer | BaseException) -> None:
        if self.answer.done():  # the caller went away
            return
        if isinstance(outcome, BaseException):
            self.answer.set_exception(outcome)
        else:
            self.answer.set_result(outcome)


class GroupCommit:
    """Queue submissions; one task at a time stores whatever has queued, up to max_batch."""

    def __init__(self, uow: Callable[[], UnitOfWork], sealer: Sealer | None = None,
                 max_batch: int = 64) -> None:
        self._uow = uow
        self._sealer = sealer
        self._max_batch = max_batch
        self._queue: list[_Waiting] = []
        self._committer: asyncio.Task[None] | None = None

    async def submit(self, *, principal: Principal,
                     request: intake_pb2.SubmitComplaintRequest) -> Answer:
        """The submission's answer once its batch commits; a caller without a submitting role
        is refused before it takes a place in a batch."""
        handlers.authorise_submit(principal, request)
        waiting = _Waiting(principal, request, asyncio.get_running_loop().create_future())
        self._queue.append(waiting)
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_queued())
        return await waiting.answer

    async def _commit_queued(self) -> None:
        while self._queue:
            batch = self._queue[:self._max_batch]
            del self._queue[:self._max_batch]
            await self._commit(batch, retry_race=True)

    async def _commit(self, batch: list[_Waiting], *, retry_race: bool) -> None:
        outcomes: dict[_Waiting, Answer | BaseException] = {}
        try:
            async with self._uow() as uow:
                for tenant_id, group in _by_tenant(batch).items():
                    await uow.set_tenant(tenant_id)
                    outcomes.update(zip(group, await self._submit(uow, group), strict=True))
                await uow.commit()
        except Exception as exc:
            if len(batch) > 1:
                for waiting in batch:
                    await self._commit([waiting], retry_race=retry_race)
            elif retry_race and isinstance(exc, sqlalchemy.exc.IntegrityError) \
                    and batch[0].request.idempotency_key:
                # Another replica committed the same key first: its answer is the answer.
                await self._commit(batch, retry_race=False)
            else:
                batch[0].settle(exc)
            return
        for waiting in batch:
            waiting.settle(outcomes[waiting])

    async def _submit(self, uow: UnitOfWork, group: list[_Waiting]
                      ) -> list[Answer | DomainError]:
        """One tenant's submissions inside the shared transaction. A domain error (invalid,
        a key conflict) is raised before that submission writes anything, so it is that
        caller's answer and the others go on; an unknown tenant is the answer of all."""
        try:
            return await handlers.submit_many(
                uow, [handlers.Submitted(w.principal, w.request, w.trace) for w in group],
                sealer=self._sealer)
        except DomainError as error:
            return [error] * len(group)


def _by_tenant(batch: list[_Waiting]) -> dict[str, list[_Waiting]]:
    groups: dict[str, list[_Waiting]] = {}
    for waiting in batch:
        groups.setdefault(waiting.principal.tenant_id, []).append(waiting)
    return groups
