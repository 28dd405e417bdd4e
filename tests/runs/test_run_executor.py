"""The worker's side in this process: a Celery worker (solo pool, real RabbitMQ, a queue of its own) takes the
message, claims the run, runs the real engine against the live server's state backend and records the outcome.
The subprocess tests (test_run_e2e and the others) run `infrakitchen worker` itself."""

import pytest
from celery.contrib.testing.worker import start_worker
from factories.auth import make_token
from factories.modules import FAILING_TF
from support import Api, wait_for

from celery_tasks.celery_app import make_celery
from service.config import load_settings

pytestmark = pytest.mark.e2e


@pytest.fixture
def in_process_worker(isolated):
    env, client = isolated
    celery = make_celery(load_settings(env))
    # The worker's event loop sees the request to stop only when its poll wakes for the next timer, up to ~10 s
    # later (start_worker's default shutdown_timeout: it failed on a busy CI machine).
    with start_worker(celery, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=60,
                      queues=[celery.settings.run_queue]):
        yield Api(client, make_token("admin", "in-process"))


def test_a_provision_runs_to_the_end_in_an_in_process_worker(in_process_worker, tmp_path):
    api = in_process_worker
    resource = api.resource(api.template(tmp_path, "greeter"), "inproc", {"name": "here", "token": "tok-77"})
    run = api("post", f"/resources/{resource['id']}/provision")
    finished = api.finished_run(run["id"])
    assert (finished["status"], finished["worker"] is not None) == ("succeeded", True)
    assert api("get", f"/resources/{resource['id']}")["outputs"]["greetings"]["value"] == ["hello here 0"]
    assert not any("tok-77" in line for line in api("get", f"/runs/{run['id']}/logs")["lines"])


def test_a_failing_apply_in_an_in_process_worker_fails_its_run_and_resource(in_process_worker, tmp_path):
    api = in_process_worker
    resource = api.resource(api.template(tmp_path, "failing", FAILING_TF), "boom", {"name": "x"})
    run = api.finished_run(api("post", f"/resources/{resource['id']}/provision")["id"])
    assert run["status"] == "failed"
    assert wait_for(lambda: api("get", f"/resources/{resource['id']}")["status"] == "error")
