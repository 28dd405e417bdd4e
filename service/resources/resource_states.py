"""The resource state machine: the one table of legal moves. Every other module asks it.

Pure: no database, no I/O. `apply(action, state, status)` returns the new (state, status) or raises
`InvalidResourceTransition`, which carries what the caller needs for a 409: the current pair and the
actions allowed from it.
"""

from dataclasses import dataclass
from enum import StrEnum

from service.errors import InvalidState


class State(StrEnum):
    PROVISION = "provision"  # created, not yet provisioned
    PROVISIONED = "provisioned"
    DESTROY = "destroy"  # marked for destruction
    DESTROYED = "destroyed"


class Status(StrEnum):
    READY = "ready"
    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ERROR = "error"
    APPROVAL_PENDING = "approval_pending"
    PENDING = "pending"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


class Action(StrEnum):
    # Asked for by people (listed by GET /resources/{id}/actions).
    APPROVE = "approve"
    REJECT = "reject"
    PROVISION = "provision"
    DESTROY = "destroy"
    DELETE = "delete"
    RECREATE = "recreate"
    PLAN = "plan"
    CANCEL = "cancel"
    # Taken by the platform itself as runs move.
    RUN_STARTED = "run_started"
    RUN_SUCCEEDED = "run_succeeded"
    RUN_FAILED = "run_failed"
    DRIFT_CHECK = "drift_check"
    DRIFT_DETECTED = "drift_detected"
    # A resource with parents waits (`pending`) until every parent is provisioned, then is ready.
    WAIT_FOR_PARENTS = "wait_for_parents"
    PARENTS_READY = "parents_ready"
    # A destroy asked for on a template that requires approval: marked for destruction, waiting for an approver.
    AWAIT_DESTROY_APPROVAL = "await_destroy_approval"


USER_ACTIONS = (
    Action.APPROVE, Action.REJECT, Action.PROVISION, Action.PLAN, Action.DESTROY, Action.CANCEL, Action.DELETE,
    Action.RECREATE,
)

S, St = State, Status
KEEP = None  # "unchanged" in a rule's target


@dataclass(frozen=True)
class Rule:
    action: Action
    states: frozenset
    statuses: frozenset
    to_state: State | None
    to_status: Status | None


def _rule(action, states, statuses, to_state, to_status) -> Rule:
    return Rule(action, frozenset(states), frozenset(statuses), to_state, to_status)


SETTLED_AFTER_RUN = (St.DONE, St.ERROR, St.UNKNOWN)
SETTLED = (St.READY, *SETTLED_AFTER_RUN)

# action, from states, from statuses -> to state, to status (KEEP = unchanged).
# Order matters only where two rules share an action: the first match wins.
TRANSITIONS: tuple[Rule, ...] = (
    _rule(Action.APPROVE, [S.PROVISION, S.DESTROY], [St.APPROVAL_PENDING], KEEP, St.READY),
    _rule(Action.REJECT, [S.PROVISION], [St.APPROVAL_PENDING], KEEP, St.REJECTED),
    # Rejecting a destroy leaves the infrastructure as it was (resource_service restores the exact pair).
    _rule(Action.REJECT, [S.DESTROY], [St.APPROVAL_PENDING], S.PROVISIONED, St.DONE),
    _rule(Action.PROVISION, [S.PROVISION], [St.READY, St.ERROR], KEEP, St.QUEUED),
    # Re-apply of something already provisioned (to repair drift or pick up new variables).
    _rule(Action.PROVISION, [S.PROVISIONED], SETTLED_AFTER_RUN, KEEP, St.QUEUED),
    _rule(Action.DESTROY, [S.PROVISIONED], SETTLED_AFTER_RUN, S.DESTROY, St.QUEUED),
    # The same destroys, on a template that requires approval: approved, the resource is (destroy, ready).
    _rule(Action.AWAIT_DESTROY_APPROVAL, [S.PROVISIONED], SETTLED_AFTER_RUN, S.DESTROY, St.APPROVAL_PENDING),
    _rule(Action.AWAIT_DESTROY_APPROVAL, [S.PROVISION], [St.ERROR], S.DESTROY, St.APPROVAL_PENDING),
    # A failed first apply may have created part of the infrastructure: destroy cleans it up.
    _rule(Action.DESTROY, [S.PROVISION], [St.ERROR], S.DESTROY, St.QUEUED),
    # A failed destroy can be retried.
    _rule(Action.DESTROY, [S.DESTROY], [St.ERROR, St.READY], KEEP, St.QUEUED),
    _rule(Action.DELETE, [S.DESTROYED], [St.DONE], KEEP, KEEP),
    _rule(Action.DELETE, [S.PROVISION], [St.READY, St.REJECTED, St.APPROVAL_PENDING, St.PENDING], KEEP, KEEP),
    # Approved, or created, while a parent is not provisioned yet: wait. Never provisioned from `pending`.
    _rule(Action.WAIT_FOR_PARENTS, [S.PROVISION], [St.READY], KEEP, St.PENDING),
    _rule(Action.PARENTS_READY, [S.PROVISION], [St.PENDING], KEEP, St.READY),
    _rule(Action.RECREATE, [S.DESTROYED], [St.DONE], S.PROVISION, St.READY),
    # A dry run: allowed whenever nothing is running; the resource does not move.
    _rule(Action.PLAN, [S.PROVISION, S.PROVISIONED, S.DESTROY], SETTLED, KEEP, KEEP),
    # The resource's own run can be cancelled; a queued one then goes back to where it was (see run_service).
    _rule(Action.CANCEL, list(S), [St.QUEUED, St.IN_PROGRESS], KEEP, KEEP),
    # Drift checks look at healthy provisioned resources only; drift found makes the status `unknown`.
    _rule(Action.DRIFT_CHECK, [S.PROVISIONED], [St.DONE], KEEP, KEEP),
    _rule(Action.DRIFT_DETECTED, [S.PROVISIONED], [St.DONE], KEEP, St.UNKNOWN),
    _rule(Action.RUN_STARTED, list(S), [St.QUEUED], KEEP, St.IN_PROGRESS),
    _rule(Action.RUN_SUCCEEDED, [S.PROVISION, S.PROVISIONED], [St.IN_PROGRESS], S.PROVISIONED, St.DONE),
    _rule(Action.RUN_SUCCEEDED, [S.DESTROY], [St.IN_PROGRESS], S.DESTROYED, St.DONE),
    _rule(Action.RUN_FAILED, list(S), [St.IN_PROGRESS, St.QUEUED], KEEP, St.ERROR),
)


class InvalidResourceTransition(InvalidState):
    def __init__(self, action: Action, state: State, status: Status):
        allowed = allowed_actions(state, status)
        super().__init__(
            f"cannot {action} a resource in state '{state}' with status '{status}'",
            state=str(state),
            resource_status=str(status),
            allowed_actions=[str(a) for a in allowed],
        )


def find_rule(action: Action, state: State, status: Status) -> Rule | None:
    for rule in TRANSITIONS:
        if rule.action == action and state in rule.states and status in rule.statuses:
            return rule
    return None


def apply(action: Action, state: State, status: Status) -> tuple[State, Status]:
    """The (state, status) after `action`; raises InvalidResourceTransition when it is not allowed."""
    rule = find_rule(action, State(state), Status(status))
    if rule is None:
        raise InvalidResourceTransition(action, State(state), Status(status))
    return rule.to_state or State(state), rule.to_status or Status(status)


def allowed_actions(state: State, status: Status) -> list[Action]:
    """The user actions allowed from (state, status), in a stable order."""
    return [a for a in USER_ACTIONS if find_rule(a, State(state), Status(status)) is not None]
