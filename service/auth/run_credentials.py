"""The credential a run uses for its resource's state backend: issued when the run is claimed, valid only while
the run is running, kept only as a hash.

Below the auth service (which turns one back into a Principal) and the run executor (which issues it), so
neither has to ask the other.
"""

import secrets

from sqlalchemy import select

from service import db
from service.auth.principal import Principal
from service.crypto import hash_token
from service.runs.run_model import Run
from service.runs.run_states import RunStatus

RUN_TOKEN_PREFIX = "ikr_"  # noqa: S105 (a prefix that marks run credentials, not a secret)


def issue() -> tuple[str, str]:
    """(credential, its hash): the credential goes to the run's engine, the hash to the run row."""
    credential = RUN_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return credential, hash_token(credential)


def principal_for(credential: str) -> Principal | None:
    """The run a credential belongs to, while that run is running; None otherwise."""
    run = db.session().scalar(
        select(Run).where(Run.state_token_hash == hash_token(credential), Run.status == RunStatus.RUNNING)
    )
    if run is None:
        return None
    return Principal(subject=f"run:{run.id}", kind="run", role="run", resource_id=run.resource_id)
