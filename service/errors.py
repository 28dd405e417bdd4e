"""Error categories. Every domain error subclasses one, and one handler maps them to HTTP answers.

The body is flask-smorest's error shape `{code, status, message, errors}` so clients see one format for
validation errors raised by webargs and for domain errors raised by services.
"""

import logging
from http import HTTPStatus

from sqlalchemy import exc as sa_exc

log = logging.getLogger(__name__)

# The database cannot answer now (stopped, restarting, failing over, out of connections): psycopg's
# OperationalError as SQLAlchemy wraps it, a connection lost mid-statement, a pool with no connection to give.
# Worth trying again, so the API answers 503 with Retry-After and the worker waits (run_executor._patiently).
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError, sa_exc.TimeoutError)
DATABASE_RETRY_AFTER_SECONDS = 5


class DomainError(Exception):
    status_code = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, errors: dict | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.extra = extra


class NotFound(DomainError):
    status_code = HTTPStatus.NOT_FOUND


class Conflict(DomainError):
    status_code = HTTPStatus.CONFLICT


class InvalidState(Conflict):
    """An action the state machine does not allow now; carries the current state and allowed actions."""


class PermissionDenied(DomainError):
    status_code = HTTPStatus.FORBIDDEN


class Unauthenticated(DomainError):
    status_code = HTTPStatus.UNAUTHORIZED


class TooManyRequests(DomainError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class ValidationFailed(DomainError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY


def domain_error_body(error: DomainError) -> dict:
    status = HTTPStatus(error.status_code)
    body = {"code": status.value, "status": status.phrase, "message": error.message}
    if error.errors:
        body["errors"] = error.errors
    body.update(error.extra)
    return body


def handle_domain_error(error: DomainError):
    headers = {}
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="infrakitchen"'
    if isinstance(error, TooManyRequests):
        headers["Retry-After"] = str(error.retry_after)
    return domain_error_body(error), error.status_code, headers


def handle_database_unavailable(error: Exception):
    """503 in the error shape for DATABASE_UNAVAILABLE, with Retry-After. The log names the driver's error only:
    SQLAlchemy's text of it holds the statement and its parameters."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[:1] or [type(error).__name__]
    log.warning("database unavailable: %s: %s", type(getattr(error, "orig", None) or error).__name__, reason[0])
    status = HTTPStatus.SERVICE_UNAVAILABLE
    body = {"code": status.value, "status": status.phrase, "message": "the database is unavailable; try again shortly"}
    return body, status.value, {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
