"""The periodic work of a worker started with --beat: each job at once and then every interval on a thread of its
own (a failing job keeps its schedule), and a sweeper that gives heartbeats time to resume after the database was
unreachable before it fails any run as lost."""

import dataclasses
import threading
from datetime import timedelta

import pytest
from factories.runs import RunFactory
from support import wait_for

from service import db
from service.errors import DATABASE_UNAVAILABLE
from service.periodic import Job, Periodic, Sweeper, jobs_for
from service.resources.resource_states import Status
from service.runs import run_crud
from service.runs.run_states import RunStatus


def test_each_job_runs_at_once_then_every_interval_even_after_it_failed():
    calls = {"steady": 0, "failing": 0}
    lock = threading.Lock()

    def count(name):
        with lock:
            calls[name] += 1
        if name == "failing":
            raise RuntimeError("a bug in a job")

    slow = threading.Event()
    jobs = [Job("steady", 0.05, lambda: count("steady")), Job("failing", 0.05, lambda: count("failing")),
            Job("slow", 3600, slow.set)]
    with Periodic(jobs):
        assert wait_for(lambda: calls["steady"] >= 3 and calls["failing"] >= 3, timeout=10, what="three ticks each")
        assert slow.wait(5), "a job with a long interval still runs once at the start"
    ended = dict(calls)
    threading.Event().wait(0.2)
    assert calls == ended, "no job runs after the periodic work stopped"


def test_drift_checks_are_scheduled_only_when_an_interval_is_set(settings):
    assert [job.name for job in jobs_for(settings)] == ["sweep", "prune-events"]
    checking = jobs_for(dataclasses.replace(settings, drift_check_interval_seconds=600))
    assert [(job.name, job.interval) for job in checking][-1] == ("drift-checks", 60)


@pytest.fixture
def stale_run(committed_db):
    """A running run whose last heartbeat is older than WORKER_LOST_SECONDS."""
    run = RunFactory(status=RunStatus.RUNNING, resource__status=Status.IN_PROGRESS,
                     heartbeat_at=db.utcnow() - timedelta(minutes=10))
    committed_db.commit()
    return run.id


def _status(run_id) -> str:
    db.session.remove()
    return run_crud.get_run(db.session(), run_id).status


def test_after_the_database_was_unreachable_lost_runs_wait_for_heartbeats_to_resume(settings, engine, stale_run):
    sweeper = Sweeper(dataclasses.replace(settings, worker_lost_seconds=2))
    db.bind(db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))  # nothing listens on port 1
    try:
        with pytest.raises(DATABASE_UNAVAILABLE):
            sweeper.sweep()
    finally:
        db.bind(engine)

    sweeper.sweep()  # the database is back: its run may be alive, and its worker not yet heard from
    assert _status(stale_run) == "running"
    assert wait_for(lambda: sweeper.sweep() or _status(stale_run) == "failed", timeout=10,
                    what="the sweeper to fail the run once heartbeats had time to resume")


def test_a_sweeper_that_always_reached_the_database_fails_a_lost_run_at_once(settings, stale_run):
    Sweeper(settings).sweep()
    assert _status(stale_run) == "failed"
