"""Readiness: can we reach the database and the broker right now?"""

import logging

from sqlalchemy import text

from service import db

log = logging.getLogger(__name__)


def check_database() -> bool:
    try:
        with db.session.session_factory() as session:
            session.execute(text("SELECT 1"))
        return True
    except Exception:
        log.warning("health: database unreachable", exc_info=True)
        return False


def check_broker(celery_app) -> bool:
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        log.warning("health: broker unreachable", exc_info=True)
        return False
