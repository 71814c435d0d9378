"""Domain errors: raised anywhere, turned into gRPC status codes in one interceptor."""

from __future__ import annotations

import grpc


class DomainError(Exception):
    """An error the caller can act on; `code` is the gRPC status it becomes."""

    code = grpc.StatusCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(DomainError):
    """The request is wrong; `fields` names each field at fault and why."""

    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class NotFound(DomainError):
    code = grpc.StatusCode.NOT_FOUND


class Conflict(DomainError):
    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(DomainError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class IllegalTransition(FailedPrecondition):
    """An action the case's status does not allow; names the status and what is allowed."""

    def __init__(self, message: str, status: str, allowed: tuple[str, ...]) -> None:
        super().__init__(message)
        self.status, self.allowed = status, allowed


class PermissionDenied(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED
