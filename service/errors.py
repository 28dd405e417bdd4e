"""Error categories. Every domain error subclasses one, and one handler maps them to HTTP answers.

The body is flask-smorest's error shape `{code, status, message, errors}` so clients see one format for
validation errors raised by webargs and for domain errors raised by services.
"""

from http import HTTPStatus


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
