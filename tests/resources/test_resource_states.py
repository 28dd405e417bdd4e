"""The transition table, walked exhaustively: every pair either follows its rule or is refused."""

import itertools

import pytest

from service.resources import resource_states
from service.resources.resource_states import (
    TRANSITIONS,
    Action,
    InvalidResourceTransition,
    State,
    Status,
)

ALL_PAIRS = list(itertools.product(State, Status))


@pytest.mark.parametrize("rule", TRANSITIONS, ids=lambda r: f"{r.action}")
def test_every_rule_moves_every_source_pair_to_its_target(rule):
    for state, status in itertools.product(rule.states, rule.statuses):
        if resource_states.find_rule(rule.action, state, status) is not rule:
            continue  # an earlier rule of the same action owns this pair
        new_state, new_status = resource_states.apply(rule.action, state, status)
        assert new_state == (rule.to_state or state)
        assert new_status == (rule.to_status or status)


@pytest.mark.parametrize("action", list(Action))
def test_pairs_outside_the_table_are_refused_with_the_allowed_actions(action):
    for state, status in ALL_PAIRS:
        if resource_states.find_rule(action, state, status) is not None:
            continue
        with pytest.raises(InvalidResourceTransition) as caught:
            resource_states.apply(action, state, status)
        assert caught.value.extra["state"] == state
        assert caught.value.extra["resource_status"] == status
        assert caught.value.extra["allowed_actions"] == [str(a) for a in resource_states.allowed_actions(state, status)]


@pytest.mark.parametrize(
    ("state", "status", "expected"),
    [
        (State.PROVISION, Status.READY, [Action.PROVISION, Action.PLAN, Action.DELETE]),
        (State.PROVISION, Status.APPROVAL_PENDING, [Action.APPROVE, Action.REJECT, Action.DELETE]),
        (State.PROVISIONED, Status.DONE, [Action.PROVISION, Action.PLAN, Action.DESTROY]),
        (State.DESTROYED, Status.DONE, [Action.DELETE, Action.RECREATE]),
        (State.PROVISION, Status.IN_PROGRESS, [Action.CANCEL]),
        (State.PROVISIONED, Status.QUEUED, [Action.CANCEL]),
        (State.PROVISION, Status.PENDING, [Action.DELETE]),  # never provision: it waits for its parents
    ],
)
def test_allowed_actions_by_pair(state, status, expected):
    assert resource_states.allowed_actions(state, status) == expected


@pytest.mark.parametrize(
    ("action", "state", "status", "expected"),
    [
        (Action.PROVISION, State.PROVISION, Status.READY, (State.PROVISION, Status.QUEUED)),
        (Action.RUN_STARTED, State.PROVISION, Status.QUEUED, (State.PROVISION, Status.IN_PROGRESS)),
        (Action.RUN_SUCCEEDED, State.PROVISION, Status.IN_PROGRESS, (State.PROVISIONED, Status.DONE)),
        (Action.RUN_FAILED, State.PROVISION, Status.IN_PROGRESS, (State.PROVISION, Status.ERROR)),
        (Action.DESTROY, State.PROVISIONED, Status.DONE, (State.DESTROY, Status.QUEUED)),
        (Action.RUN_SUCCEEDED, State.DESTROY, Status.IN_PROGRESS, (State.DESTROYED, Status.DONE)),
        (Action.REJECT, State.DESTROY, Status.APPROVAL_PENDING, (State.PROVISIONED, Status.DONE)),
        (Action.RECREATE, State.DESTROYED, Status.DONE, (State.PROVISION, Status.READY)),
        (Action.WAIT_FOR_PARENTS, State.PROVISION, Status.READY, (State.PROVISION, Status.PENDING)),
        (Action.PARENTS_READY, State.PROVISION, Status.PENDING, (State.PROVISION, Status.READY)),
    ],
)
def test_the_main_lifecycle_moves(action, state, status, expected):
    assert resource_states.apply(action, state, status) == expected


def test_a_running_resource_cannot_be_provisioned_again():
    with pytest.raises(InvalidResourceTransition, match="cannot provision"):
        resource_states.apply(Action.PROVISION, State.PROVISION, Status.IN_PROGRESS)
