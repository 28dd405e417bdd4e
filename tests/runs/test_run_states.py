"""The run transition table, walked exhaustively: every (action, status) either follows its rule or is refused,
and a finished run never moves again."""

import pytest

from service.runs import run_states
from service.runs.run_model import Run
from service.runs.run_states import (
    ACTIVE_RUN_STATUSES,
    FINISHED_RUN_STATUSES,
    TRANSITIONS,
    InvalidRunTransition,
    RunAction,
    RunStatus,
)


def test_every_action_has_exactly_one_rule():
    assert sorted(rule.action for rule in TRANSITIONS) == sorted(RunAction)


@pytest.mark.parametrize("rule", TRANSITIONS, ids=lambda r: str(r.action))
def test_every_rule_moves_each_of_its_statuses_to_its_target(rule):
    for status in rule.from_statuses:
        assert run_states.apply(rule.action, status) == rule.to_status


@pytest.mark.parametrize("action", list(RunAction))
def test_statuses_outside_the_table_are_refused_with_the_current_status(action):
    for status in RunStatus:
        if run_states.allows(action, status):
            continue
        with pytest.raises(InvalidRunTransition) as caught:
            run_states.apply(action, status)
        assert caught.value.extra == {"run_status": status}
        assert str(caught.value) == f"cannot {action} a run that is {status}"


@pytest.mark.parametrize("status", FINISHED_RUN_STATUSES)
def test_a_finished_run_never_moves_again(status):
    assert [a for a in RunAction if run_states.allows(a, status)] == []


def test_every_rule_starts_from_an_active_status_and_every_status_is_reachable():
    assert all(rule.from_statuses <= set(ACTIVE_RUN_STATUSES) for rule in TRANSITIONS)
    assert {rule.to_status for rule in TRANSITIONS} == set(RunStatus) - {RunStatus.QUEUED}


@pytest.mark.parametrize(("succeeded", "stopped", "expected"), [
    (True, False, RunAction.SUCCEED), (False, False, RunAction.FAIL), (False, True, RunAction.STOP),
    (True, True, RunAction.STOP),
])
def test_an_engine_outcome_picks_how_the_run_ends(succeeded, stopped, expected):
    assert run_states.finish_action(succeeded, stopped) == expected


def test_a_run_that_ends_records_when_and_why():
    run = Run(status=RunStatus.QUEUED)
    run.move(RunAction.CANCEL, "cancelled by someone")
    assert (run.status, run.error) == (RunStatus.CANCELLED, "cancelled by someone")
    assert run.finished_at is not None


def test_a_run_that_starts_has_no_end_yet():
    run = Run(status=RunStatus.QUEUED)
    run.move(RunAction.CLAIM)
    assert (run.status, run.finished_at, run.error) == (RunStatus.RUNNING, None, None)
