"""Hooks for the schemathesis run of tests/test_schemathesis.py (the CLI loads this file via SCHEMATHESIS_HOOKS)."""

import os

import schemathesis

OWN_ACCOUNT_ID = os.environ["INFRAKITCHEN_SCHEMATHESIS_ACCOUNT_ID"]


def _revokes_own_account(case) -> bool:
    # The run authenticates as one service account; revoking it (its id is in GET /service-accounts) would turn
    # every later answer into a 401. Every other id, including accounts the run creates, stays fair game.
    operation = case.operation
    return (operation.method.upper() == "POST" and operation.path.endswith("/revoke")
            and str((case.path_parameters or {}).get("account_id")) == OWN_ACCOUNT_ID)


@schemathesis.hook
def filter_case(context, case):
    return not _revokes_own_account(case)


@schemathesis.hook
def before_add_examples(context, examples):
    examples[:] = [case for case in examples if not _revokes_own_account(case)]
