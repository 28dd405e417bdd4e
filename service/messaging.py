"""Celery messages are sent after the transaction that made them necessary commits, never before.

PostgreSQL is the record; a message only wakes a worker. Sending inside the transaction could wake a
worker before the run row is visible, or announce a run that then rolls back.
"""

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from service import db

log = logging.getLogger(__name__)
EXECUTE_RUN = "infrakitchen.execute_run"
_publisher = None


def set_publisher(publish) -> None:
    """`publish(task_name, args, priority)`; installed by the app factory and the worker (see celery_tasks)."""
    global _publisher
    _publisher = publish


def send_after_commit(task_name: str, *args, priority: int = 5, on_sent=None) -> None:
    """Publish once the open transaction commits (higher `priority` first, 0-9); then call `on_sent()`."""
    db.session().info.setdefault("outbox", []).append((task_name, args, priority, on_sent))


@event.listens_for(Session, "after_commit")
def _flush_outbox(session: Session) -> None:
    outbox = session.info.pop("outbox", [])
    for task_name, args, priority, on_sent in outbox:
        try:
            _publisher(task_name, args, priority)
        except Exception:
            # The row is committed, so nothing is lost: the sweeper publishes it again later.
            log.warning("could not publish %s%s; the sweeper will retry", task_name, args, exc_info=True)
            continue
        if on_sent is None:
            continue
        try:
            on_sent()
        except Exception:
            # Its own transaction, after the request's committed: the database went away in between. The
            # request still succeeded; the sweeper sends the message once more (a second delivery claims nothing).
            log.warning("could not record that %s%s was sent; the sweeper will send it again", task_name, args,
                        exc_info=True)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session: Session) -> None:
    session.info.pop("outbox", None)
