"""The run state machine: the one table of the moves a run's status can make. Every status change asks it.

Pure: no database, no I/O, like `resource_states`. A run is queued with the state change that asks for it,
claimed once by a worker (a compare-and-set of this table's `claim` row), and ends exactly once.
"""

from dataclasses import dataclass
from enum import StrEnum

from service.errors import InvalidState


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
FINISHED_RUN_STATUSES = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class RunAction(StrEnum):
    CLAIM = "claim"  # a worker takes a queued run
    SUCCEED = "succeed"  # the engine finished and succeeded
    FAIL = "fail"  # the engine failed, timed out or crashed
    STOP = "stop"  # the engine stopped because someone asked it to (cancel of a running run)
    CANCEL = "cancel"  # a person cancels a run that no worker has taken yet
    SUPERSEDE = "supersede"  # a person's run takes the place of a queued drift check
    WORKER_LOST = "worker_lost"  # the sweeper ends a running run whose worker stopped heartbeating


Q, R = RunStatus.QUEUED, RunStatus.RUNNING


@dataclass(frozen=True)
class RunRule:
    action: RunAction
    from_statuses: frozenset
    to_status: RunStatus


# action, from statuses -> to status. Each action has one rule; a finished run never moves again.
TRANSITIONS: tuple[RunRule, ...] = (
    RunRule(RunAction.CLAIM, frozenset({Q}), R),
    RunRule(RunAction.SUCCEED, frozenset({R}), RunStatus.SUCCEEDED),
    RunRule(RunAction.FAIL, frozenset({R}), RunStatus.FAILED),
    RunRule(RunAction.STOP, frozenset({R}), RunStatus.CANCELLED),
    # A running run cannot be cancelled at once: the request is recorded and the engine is interrupted; the
    # worker then finishes the run with STOP.
    RunRule(RunAction.CANCEL, frozenset({Q}), RunStatus.CANCELLED),
    RunRule(RunAction.SUPERSEDE, frozenset({Q}), RunStatus.CANCELLED),
    RunRule(RunAction.WORKER_LOST, frozenset({R}), RunStatus.FAILED),
)
_RULES = {rule.action: rule for rule in TRANSITIONS}


class InvalidRunTransition(InvalidState):
    def __init__(self, action: RunAction, status: RunStatus):
        super().__init__(f"cannot {action} a run that is {status}", run_status=str(status))


def rule(action: RunAction) -> RunRule:
    return _RULES[action]


def allows(action: RunAction, status: str) -> bool:
    return status in _RULES[action].from_statuses


def apply(action: RunAction, status: str) -> RunStatus:
    """The status after `action`; raises InvalidRunTransition when it is not allowed from `status`."""
    if not allows(action, status):
        raise InvalidRunTransition(action, RunStatus(status))
    return _RULES[action].to_status


def finish_action(succeeded: bool, stopped: bool) -> RunAction:
    """How an engine's outcome ends its run: stopped on request, succeeded, or failed."""
    if stopped:
        return RunAction.STOP
    return RunAction.SUCCEED if succeeded else RunAction.FAIL
