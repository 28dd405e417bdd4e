"""Runs and their logs through the API, with runs made by the real service (no worker needed here)."""

import pytest
from factories.auth import ADMIN, bearer, make_token
from factories.resources import make_resource
from factories.templates import TemplateVersionFactory

from service import db
from service.auth.principal import SYSTEM
from service.resources.resource_model import Resource
from service.runs import run_crud, run_service
from service.runs.run_model import RunKind


@pytest.fixture
def run(db_session):
    template = TemplateVersionFactory().template
    resource = make_resource(template)
    return run_service.create_run(ADMIN, resource.id, RunKind.PROVISION)


def test_a_queued_run_reads_back(client, admin, run):
    body = client.get(f"/api/v1/runs/{run.id}", headers=admin).json
    assert (body["kind"], body["status"], body["started_at"], body["duration_seconds"]) == (
        "provision", "queued", None, None)


def test_logs_page_from_an_offset(client, admin, run):
    run_crud.add_log_lines(db.session(), run.id, 0, [f"line {i}" for i in range(5)])
    db.session.flush()
    body = client.get(f"/api/v1/runs/{run.id}/logs?offset=2&limit=2", headers=admin).json
    assert body["lines"] == ["line 2", "line 3"]
    assert body["next_offset"] == 4
    assert body["complete"] is False


def test_logs_past_the_end_are_empty_with_the_same_offset(client, admin, run):
    body = client.get(f"/api/v1/runs/{run.id}/logs?offset=10", headers=admin).json
    assert (body["lines"], body["next_offset"]) == ([], 10)


def test_an_unknown_run_is_404(client, admin):
    assert client.get("/api/v1/runs/7d3c9b8a-0000-4000-8000-000000000000", headers=admin).status_code == 404


def test_runs_filter_by_status(client, admin, run):
    assert [r["id"] for r in client.get("/api/v1/runs/?status=queued", headers=admin).json] == [str(run.id)]
    assert client.get("/api/v1/runs/?status=failed", headers=admin).json == []


def test_a_resource_runs_of_an_unknown_resource_is_404(client, admin):
    response = client.get("/api/v1/resources/7d3c9b8a-0000-4000-8000-000000000000/runs", headers=admin)
    assert response.status_code == 404


def test_cancelling_a_queued_run_puts_the_resource_back(client, admin, run):
    response = client.post(f"/api/v1/runs/{run.id}/cancel", headers=admin)
    assert response.status_code == 202
    assert response.json["status"] == "cancelled"
    assert "before it started" in response.json["error"]
    resource = client.get(f"/api/v1/resources/{run.resource_id}", headers=admin).json
    assert (resource["state"], resource["status"]) == ("provision", "ready")


def test_cancelling_a_queued_destroy_restores_the_provisioned_state(client, admin, db_session):
    template = TemplateVersionFactory(template__name="d").template
    resource = make_resource(template, name="d")
    row = db.session.get(Resource, resource.id)
    row.state, row.status = "provisioned", "done"  # as a finished provision run leaves it
    db.session.flush()
    destroy = run_service.create_run(ADMIN, resource.id, RunKind.DESTROY)
    client.post(f"/api/v1/runs/{destroy.id}/cancel", headers=admin)
    body = client.get(f"/api/v1/resources/{resource.id}", headers=admin).json
    assert (body["state"], body["status"]) == ("provisioned", "done")


def test_a_finished_run_cannot_be_cancelled(client, admin, run):
    client.post(f"/api/v1/runs/{run.id}/cancel", headers=admin)
    response = client.post(f"/api/v1/runs/{run.id}/cancel", headers=admin)
    assert response.status_code == 409
    assert response.json["run_status"] == "cancelled"


def test_only_admins_may_force_cancel(client, run):
    member, run_id = bearer(make_token("member")), run.id  # a refused request rolls back (and expires) the session
    assert client.post(f"/api/v1/runs/{run_id}/cancel", json={"force": True}, headers=member).status_code == 403
    assert client.post(f"/api/v1/runs/{run_id}/cancel", headers=bearer(make_token("viewer"))).status_code == 403


def test_a_plan_leaves_the_resource_as_it_was_and_blocks_a_second_run(client, admin, db_session):
    template = TemplateVersionFactory(template__name="p").template
    resource = make_resource(template, name="p")
    response = client.post(f"/api/v1/resources/{resource.id}/plan", headers=admin)
    assert (response.status_code, response.json["kind"]) == (202, "plan")
    body = client.get(f"/api/v1/resources/{resource.id}", headers=admin).json
    assert (body["state"], body["status"]) == ("provision", "ready")
    assert client.post(f"/api/v1/resources/{resource.id}/provision", headers=admin).status_code == 409


def test_a_persons_run_supersedes_a_queued_drift_check(client, admin, db_session):
    template = TemplateVersionFactory(template__name="dr").template
    resource = make_resource(template, name="dr")
    row = db.session.get(Resource, resource.id)
    row.state, row.status = "provisioned", "done"
    db.session.flush()
    check = run_service.create_run(SYSTEM, resource.id, RunKind.DRIFT_CHECK)
    response = client.post(f"/api/v1/resources/{resource.id}/provision", headers=admin)
    assert response.status_code == 202
    superseded = client.get(f"/api/v1/runs/{check.id}", headers=admin).json
    assert superseded["status"] == "cancelled"
    assert superseded["error"] == "superseded by a run asked for by service-account:test-admin"


def test_cancelling_a_run_of_a_hidden_resource_names_only_the_run(client, db_session):
    template = TemplateVersionFactory(template__name="hid").template
    resource = make_resource(template, name="hid", owner="user:default/bob")
    run = client.post(f"/api/v1/resources/{resource.id}/plan", headers=bearer(make_token("admin"))).json
    response = client.post(f"/api/v1/runs/{run['id']}/cancel", headers=bearer(make_token("member", "nosy")))
    assert (response.status_code, response.json["message"]) == (404, f"run {run['id']} not found")
    assert str(resource.id) not in response.get_data(as_text=True)
