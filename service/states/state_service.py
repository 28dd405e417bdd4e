"""The OpenTofu/Terraform HTTP state backend, kept in the database: versions, locks, rollback, force-unlock.

Callers are people (service-account tokens, sent as a bearer token or as the basic-auth password, so a plain
`backend "http"` block with TF_HTTP_PASSWORD works) and runs (a credential that is valid only for the
resource of a running run). State may hold secrets, so reading it needs write rights on the resource.
"""

import base64
import hashlib
import uuid

from service import access, db, json_input
from service.audit import audit_service
from service.auth.principal import Principal
from service.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from service.listing import apply_sort, page_of
from service.states import state_crud
from service.states.state_model import StateLock, StateVersion

VERSION_SORTS = {"id": StateVersion.id, "created_at": StateVersion.created_at}
MAX_LOCK_ID = StateLock.lock_id.type.length


class StateLockConflict(DomainError):
    """The state is locked by someone else; the engine expects the holder's lock JSON as the body."""

    def __init__(self, lock: StateLock, status_code: int):
        super().__init__(f"state is locked by {lock.holder} (lock {lock.lock_id})")
        self.lock_info = lock.info
        self.status_code = status_code


class StateVersionNotFound(NotFound):
    def __init__(self, version_id):
        super().__init__(f"state version {version_id} not found")


def _authorize(actor: Principal, resource_id: uuid.UUID) -> None:
    if actor.kind == "run":
        if actor.resource_id != resource_id:
            raise PermissionDenied("this run credential is for another resource")
        return
    access.require_acts_on(actor, resource_id)


def _serial(body: dict) -> int | None:
    serial = body.get("serial")
    return serial if isinstance(serial, int) and not isinstance(serial, bool) else None


@db.unit_of_work
def read_state(actor: Principal, resource_id: uuid.UUID) -> bytes | None:
    """The current state, or None when there is none yet (the engine then starts from empty)."""
    _authorize(actor, resource_id)
    return state_crud.get_current_body(db.session(), resource_id)


@db.unit_of_work
def current_state(resource_id: uuid.UUID) -> bytes | None:
    """The current state for the platform itself (a worker reading back what its run's engine has just written
    through the backend): nobody to authorize, one query."""
    return state_crud.get_current_body(db.session(), resource_id)


@db.unit_of_work
def write_state(actor: Principal, resource_id: uuid.UUID, body: bytes, lock_id: str | None,
                content_md5: str | None) -> StateVersion:
    """Store `body` as the new current version. While the state is locked, `lock_id` must match the lock
    (409 with the holder otherwise). Encrypted state is stored as it is."""
    _authorize(actor, resource_id)
    if content_md5 and base64.b64encode(hashlib.md5(body).digest()).decode() != content_md5:  # noqa: S324
        raise ValidationFailed("Content-MD5 does not match the body")
    try:
        document = json_input.loads(body, max_depth=None)
    except json_input.TooDeep as error:
        raise ValidationFailed(f"state: {error}") from None
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("state must be a JSON document") from None
    if not isinstance(document, dict):
        raise ValidationFailed("state must be a JSON object")
    session = db.session()
    lock = state_crud.get_lock_for_update(session, resource_id)
    if lock is not None and lock.lock_id != lock_id:
        raise StateLockConflict(lock, 409)
    if lock is None and lock_id:
        raise Conflict(f"the state is not locked by {lock_id} (the lock was released or never taken)")
    return state_crud.add_version(session, StateVersion(
        resource_id=resource_id, serial=_serial(document), size=len(body),
        md5=hashlib.md5(body).hexdigest(), body=body, created_by=actor.subject,  # noqa: S324 (a checksum)
    ))


@db.unit_of_work
def delete_state(actor: Principal, resource_id: uuid.UUID) -> None:
    """Forget the state and its versions (admins only; the engine asks for this only on explicit deletion)."""
    _authorize(actor, resource_id)
    actor.require("admin")
    session = db.session()
    lock = state_crud.get_lock_for_update(session, resource_id)
    if lock is not None:
        raise StateLockConflict(lock, 409)
    state_crud.delete_versions(session, resource_id)
    audit_service.record(actor, "state.delete", "resource", resource_id)


@db.unit_of_work
def lock_state(actor: Principal, resource_id: uuid.UUID, info: dict) -> dict:
    """Take the lock; 423 with the holder's lock JSON when someone else has it. Re-locking with the same ID
    is allowed (a retried request)."""
    _authorize(actor, resource_id)
    lock_id = info.get("ID")
    if not isinstance(lock_id, str) or not lock_id:
        raise ValidationFailed("the lock body needs an 'ID'", errors={"ID": ["required"]})
    if len(lock_id) > MAX_LOCK_ID:
        raise ValidationFailed(f"the lock 'ID' is longer than {MAX_LOCK_ID} characters",
                               errors={"ID": [f"at most {MAX_LOCK_ID} characters"]})
    found = json_input.unstorable_path(info)
    if found is not None:
        raise ValidationFailed("the lock body holds text that cannot be stored (a NUL or a lone surrogate)",
                               errors={found or "_schema": ["must be valid UTF-8 without NUL characters"]})
    session = db.session()
    lock = state_crud.get_lock_for_update(session, resource_id)
    if lock is not None:
        if lock.lock_id == lock_id:
            return lock.info
        raise StateLockConflict(lock, 423)
    try:
        state_crud.add_lock(session, StateLock(resource_id=resource_id, lock_id=lock_id, info=info,
                                               holder=actor.subject))
    except Conflict:
        raise StateLockConflict(state_crud.get_lock_for_update(session, resource_id), 423) from None
    return info


@db.unit_of_work
def unlock_state(actor: Principal, resource_id: uuid.UUID, lock_id: str | None) -> None:
    """Release the lock. A missing or different ID is a force-unlock: admins only, and audited."""
    _authorize(actor, resource_id)
    session = db.session()
    lock = state_crud.get_lock_for_update(session, resource_id)
    if lock is None:
        return
    if lock.lock_id != lock_id:
        if not actor.can("admin"):
            raise StateLockConflict(lock, 409)
        audit_service.record(actor, "state.force_unlock", "resource", resource_id, before={
            "lock_id": lock.lock_id, "holder": lock.holder})
    state_crud.delete_lock(session, lock)


@db.joins_unit_of_work
def release_locks_of_run(run_id: uuid.UUID) -> int:
    """Drop locks a lost run still holds (called by the sweeper inside its transaction)."""
    return state_crud.delete_locks_held_by(db.session(), f"run:{run_id}")


@db.unit_of_work
def list_versions(actor: Principal, resource_id: uuid.UUID, sort: str, page: int, page_size: int):
    _authorize(actor, resource_id)
    query = apply_sort(state_crud.select_versions(resource_id), sort, VERSION_SORTS, StateVersion.id)
    return page_of(db.session(), query, page, page_size)


@db.unit_of_work
def get_version(actor: Principal, resource_id: uuid.UUID, version_id: int) -> StateVersion:
    _authorize(actor, resource_id)
    version = state_crud.get_version(db.session(), resource_id, version_id)
    if version is None:
        raise StateVersionNotFound(version_id)
    return version


@db.unit_of_work
def get_lock(actor: Principal, resource_id: uuid.UUID) -> StateLock | None:
    _authorize(actor, resource_id)
    return state_crud.get_lock_for_update(db.session(), resource_id)


@db.unit_of_work
def rollback(actor: Principal, resource_id: uuid.UUID, version_id: int) -> StateVersion:
    """Make an old version current again, as a new version (admins only; refused while locked)."""
    actor.require("admin")
    old = get_version(actor, resource_id, version_id)
    session = db.session()
    lock = state_crud.get_lock_for_update(session, resource_id)
    if lock is not None:
        raise StateLockConflict(lock, 409)
    new = state_crud.add_version(session, StateVersion(
        resource_id=resource_id, serial=old.serial, size=old.size, md5=old.md5, body=old.body,
        created_by=actor.subject,
    ))
    audit_service.record(actor, "state.rollback", "resource", resource_id,
                         after={"from_version": old.id, "new_version": new.id})
    return new
