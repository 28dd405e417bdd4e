"""Events recorded with the changes they describe, read back through GET /events."""

import threading
import time
from datetime import timedelta

import pytest
from factories.auth import bearer, make_token
from factories.modules import write_module
from factories.resources import make_resource
from factories.templates import make_template
from sqlalchemy import update

from service import db
from service.events import event_service
from service.events.event_model import Event


def _events(client, headers, **params) -> dict:
    response = client.get("/api/v1/events/", query_string=params, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _create(client, headers, template, name, **body) -> dict:
    payload = {"name": name, "template_id": str(template.id), "variables": {"name": "x", "token": "tok-9876"}, **body}
    response = client.post("/api/v1/resources/", json=payload, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_a_change_and_its_event_commit_together_in_order(client, admin, template):
    resource = _create(client, admin, template, "web")
    run = client.post(f"/api/v1/resources/{resource['id']}/provision", headers=admin).json

    events = _events(client, admin, after=0)["events"]
    assert [e["type"] for e in events] == ["resource.created", "resource.updated", "run.queued"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert events[1]["data"]["status"] == "queued" and events[1]["resource_id"] == resource["id"]
    assert events[2]["run_id"] == run["id"] and events[2]["data"]["status"] == "queued"
    assert events[1]["data"]["last_run"]["id"] == run["id"]  # the resource as it committed, with its new run
    assert events[0]["data"]["variables"]["token"] == "(sensitive)"
    assert "tok-9876" not in str(events)


def test_a_refused_change_records_no_event(client, admin, template):
    before = _events(client, admin)["last_id"]
    bad = client.post("/api/v1/resources/", headers=admin,
                      json={"name": "bad", "template_id": str(template.id), "variables": {"nope": 1}})
    assert bad.status_code == 422
    assert _events(client, admin, after=before)["events"] == []


def test_topics_select_events(client, admin, template):
    shop = _create(client, admin, template, "a", entity_ref="component:default/shop")
    other = _create(client, admin, template, "b", entity_ref="component:default/other")
    assert [e["resource_id"] for e in _events(client, admin, after=0, entity_ref="component:default/shop")["events"]] \
        == [shop["id"]]
    assert [e["resource_id"] for e in _events(client, admin, after=0, resource_id=other["id"])["events"]] \
        == [other["id"]]
    assert len(_events(client, admin, after=0)["events"]) == 2


def test_a_caller_gets_only_events_of_what_it_may_see(client, admin, template):
    member = bearer(make_token("member", "team-member"))
    mine = _create(client, member, template, "mine")
    theirs = _create(client, admin, template, "theirs", owner="group:default/team-b")
    assert [e["resource_id"] for e in _events(client, member, after=0)["events"]] == [mine["id"]]
    assert client.get("/api/v1/events/", query_string={"resource_id": theirs["id"]}, headers=member).status_code == 404
    viewer = bearer(make_token("viewer", "auditor"))
    assert len(_events(client, viewer, after=0)["events"]) == 2


def test_without_after_the_stream_starts_now(client, admin, template):
    _create(client, admin, template, "old")
    page = _events(client, admin)
    assert page["events"] == [] and page["last_id"] > 0
    _create(client, admin, template, "new")
    assert [e["data"]["name"] for e in _events(client, admin, after=page["last_id"])["events"]] == ["new"]


def test_a_resume_from_before_pruned_events_answers_reset(client, admin, template):
    for name in ("a", "b", "c"):
        _create(client, admin, template, name)
    first = _events(client, admin, after=0)["events"][0]["id"]
    db.session.execute(update(Event).values(created_at=db.utcnow() - timedelta(days=30)))
    assert event_service.prune(retention_seconds=7 * 24 * 3600) == 2  # the newest always stays
    page = _events(client, admin, after=first)
    assert page["reset"] is True


@pytest.mark.parametrize("query", [
    {"resource_id": "00000000-0000-0000-0000-000000000001", "entity_ref": "component:default/x"},
    {"wait": 26}, {"after": -1}, {"limit": 0}, {"resource_id": "not-a-uuid"},
])
def test_bad_queries_are_422(client, admin, query):
    assert client.get("/api/v1/events/", query_string=query, headers=admin).status_code == 422


def test_events_need_a_token(client):
    assert client.get("/api/v1/events/").status_code == 401


def test_the_path_works_with_and_without_its_trailing_slash(client, admin):
    # No redirect: behind Backstage's proxy it would send the browser to the service's own address.
    assert client.get("/api/v1/events", headers=admin).status_code == 200
    assert client.get("/api/v1/resources", headers=admin).status_code == 200


def test_a_long_poll_answers_as_soon_as_an_event_commits(app, committed_db, tmp_path):
    headers = bearer(make_token("admin", "poller"))
    template, _ = make_template(write_module(tmp_path / "greeter"))
    after = event_service.last_id()

    def change_later():
        time.sleep(1.0)
        make_resource(template, name="late")

    threading.Thread(target=change_later).start()
    started = time.monotonic()
    page = app.test_client().get("/api/v1/events/", query_string={"after": after, "wait": 20}, headers=headers).json
    assert [e["data"]["name"] for e in page["events"]] == ["late"]
    assert 0.9 < time.monotonic() - started < 10
