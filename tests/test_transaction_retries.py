"""A unit of work that PostgreSQL ends to break a deadlock runs again in a new transaction, so both sides of the
deadlock succeed instead of one of them answering an error."""

import threading

import pytest
from factories.resources import ResourceFactory
from sqlalchemy import text

from service import db


def test_both_sides_of_a_deadlock_succeed(committed_db):
    first, second = ResourceFactory(name="a"), ResourceFactory(name="b")
    committed_db.commit()
    both_hold_one = threading.Barrier(2, timeout=10)
    attempts: list[str] = []
    outcomes: dict[str, object] = {}

    @db.unit_of_work
    def lock_in_order(name: str, ids: tuple) -> str:
        attempts.append(name)
        session = db.session()
        session.execute(text("SELECT id FROM resources WHERE id = :id FOR UPDATE"), {"id": ids[0]})
        if attempts.count(name) == 1:
            both_hold_one.wait()  # only the first time: then each waits for the row the other holds
        session.execute(text("SELECT id FROM resources WHERE id = :id FOR UPDATE"), {"id": ids[1]})
        return name

    def run(name: str, ids: tuple) -> None:
        try:
            outcomes[name] = lock_in_order(name, ids)
        except Exception as error:  # noqa: BLE001 (reported below)
            outcomes[name] = error
        finally:
            db.session.remove()

    threads = [threading.Thread(target=run, args=("ab", (first.id, second.id))),
               threading.Thread(target=run, args=("ba", (second.id, first.id)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcomes == {"ab": "ab", "ba": "ba"}
    assert sorted(attempts) in (["ab", "ab", "ba"], ["ab", "ba", "ba"])  # one of them ran twice


def test_other_errors_are_not_tried_again(db_session):
    calls = []

    @db.unit_of_work
    def broken():
        calls.append(1)
        db.session().execute(text("SELECT 1/0"))

    with pytest.raises(Exception, match="division by zero"):
        broken()
    assert calls == [1]
