"""Runs and their logs through the API, with runs made by the real service (no worker needed here)."""

import pytest
from factories import ADMIN, bearer, make_resource, make_template, make_token, write_module

from service import db
from service.resources import resource_service
from service.runs import run_crud


@pytest.fixture
def admin(db_session):
    return bearer(make_token("admin"))


@pytest.fixture
def run(db_session, tmp_path):
    template, _ = make_template(write_module(tmp_path / "m"))
    resource = make_resource(template)
    return resource_service.provision(ADMIN, resource.id)


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
