"""Requests that arrive at once: each answers a documented status, never a 500, and leaves the rows consistent.

Real concurrency: threads against the app on committed data (each thread its own session and connection), and a
served API for the mix of REST calls and WebSockets a new user's first page load sends.
"""

import dataclasses
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from factories.auth import bearer, make_token
from factories.backstage import JWK_1, claims, user_token
from factories.modules import APP_TF, NETWORK_TF, write_module
from support import Api, Beacon, Socket, race, serving

from service import db
from service.app import create_app
from service.auth.auth_model import ServiceAccount, User
from service.engine.engine_run import EngineResult
from service.oauth.oauth_providers import configured_providers
from service.resources.resource_model import Resource
from service.runs import run_executor
from service.runs.run_model import Run

pytestmark = pytest.mark.e2e
N = 8


@pytest.fixture(scope="module")
def backstage():
    """Backstage's JWKS, served over HTTP for an API process of its own."""
    server = Beacon()
    server.answer("/api/auth/.well-known/jwks.json", json.dumps({"keys": [JWK_1]}))
    yield server.url("")
    server.close()


@pytest.fixture(scope="module")
def backstage_api(base_env, backstage):
    with serving({**base_env, "BACKSTAGE_BASE_URL": backstage, "STATE_API_URL": ""}) as (base, _):
        yield base


def test_a_new_users_first_page_load_records_them_once(backstage_api, backstage, committed_db):
    ref = f"user:default/new-{uuid.uuid4().hex[:8]}"
    token = user_token(claims(backstage, sub=ref, ent=[ref]))

    def rest():
        return requests.get(f"{backstage_api}/resources/?entity_ref=component:default/shop", headers=bearer(token),
                            timeout=30).status_code

    def socket():
        connection = Socket(backstage_api, token)
        try:
            return connection.expect("ready")["subject"]
        finally:
            connection.close()

    assert race(*[rest, socket] * (N // 2)) == [200, ref] * (N // 2)
    assert db.session.query(User).filter_by(ref=ref).count() == 1


@pytest.fixture
def client(app, committed_db):
    return app.test_client()


@pytest.mark.parametrize(("path", "body"), [
    ("/templates/", {"name": "twin"}),
    ("/service-accounts/", {"name": "twin", "role": "viewer"}),
    ("/integrations/", {"name": "twin", "kind": "env", "values": {"EXAMPLE_TOKEN": "1"}}),
])
def test_creates_with_one_name_at_once_make_one_and_answer_409_to_the_rest(client, path, body):
    headers = bearer(make_token("admin"))
    statuses = race(*[lambda: client.post(f"/api/v1{path}", json=body, headers=headers).status_code] * N)
    assert sorted(statuses) == [201] + [409] * (N - 1)


def test_resources_with_one_name_at_once_make_one(client, tmp_path):
    api = Api(client, make_token("admin"))
    template = api.template(tmp_path, "greeter")
    body = {"name": "twin", "template_id": template["id"], "variables": {"name": "x"},
            "entity_ref": "component:default/shop"}
    statuses = race(*[lambda: client.post("/api/v1/resources/", json=body, headers=api.headers).status_code] * N)
    assert sorted(statuses) == [201] + [409] * (N - 1)


def test_one_token_used_at_once_records_its_use(client):
    token = make_token("viewer", "busy")
    statuses = race(*[lambda: client.get("/api/v1/templates/", headers=bearer(token)).status_code] * N)
    assert statuses == [200] * N
    assert db.session.query(ServiceAccount).filter_by(name="busy").one().last_used_at is not None


def test_one_refresh_token_used_at_once_works_once(settings, committed_db):
    providers = configured_providers({"GITHUB_CLIENT_ID": "gh-id", "GITHUB_CLIENT_SECRET": "gh-secret"})
    client = create_app(dataclasses.replace(settings, oauth_providers=tuple(providers.values())),
                        bind_database=False).test_client()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as github:
        github.add(responses.POST, "https://github.com/login/oauth/access_token", json={"access_token": "gho_a"})
        github.add(responses.GET, "https://api.github.com/user", json={"login": "octocat"})
        login = client.get("/api/v1/auth/oauth/github/login")
        state = parse_qs(urlsplit(login.headers["Location"]).query)["state"][0]
        tokens = client.get(f"/api/v1/auth/oauth/github/callback?code=c&state={state}").json
    body = {"refresh_token": tokens["refresh_token"]}
    statuses = race(*[lambda: client.post("/api/v1/auth/refresh", json=body).status_code] * N)
    assert sorted(statuses) == [200] + [401] * (N - 1)


def test_approve_and_reject_at_once_one_wins_and_the_resource_says_which(client, tmp_path):
    api = Api(client, make_token("admin"))
    template = api("post", "/templates/", {"name": "gated", "requires_approval": True})
    api("post", f"/templates/{template['id']}/versions", {"version": "1", "source": {
        "url": str(write_module(tmp_path / "gated"))}})
    resource = api.resource(template, "waiting", {"name": "x"})
    approver = bearer(make_token("platform"))  # not whoever asked
    approve = lambda: client.post(f"/api/v1/resources/{resource['id']}/approve", headers=approver)  # noqa: E731
    reject = lambda: client.post(f"/api/v1/resources/{resource['id']}/reject", json={"reason": "no"},  # noqa: E731
                                 headers=approver)
    answers = race(approve, reject, approve, reject)
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    winner = next(a for a in answers if a.status_code == 200).json
    assert api("get", f"/resources/{resource['id']}")["status"] == winner["status"] in ("ready", "rejected")


def test_destroys_asked_at_once_wait_for_one_approval(client, tmp_path):
    api = Api(client, make_token("admin"))
    template = api("post", "/templates/", {"name": "gated", "requires_approval": True})
    api("post", f"/templates/{template['id']}/versions", {"version": "1", "source": {
        "url": str(write_module(tmp_path / "gated"))}})
    resource = api.resource(template, "doomed", {"name": "x"})
    db.session.query(Resource).filter_by(id=uuid.UUID(resource["id"])).update({"state": "provisioned",
                                                                                "status": "done"})
    db.session.commit()  # as if provisioned
    answers = race(*[lambda: client.post(f"/api/v1/resources/{resource['id']}/destroy", headers=api.headers)] * N)
    assert sorted(a.status_code for a in answers) == [200] + [409] * (N - 1)
    assert api("get", f"/resources/{resource['id']}")["status"] == "approval_pending"
    assert api("get", f"/resources/{resource['id']}/runs") == []


def test_a_cancel_racing_a_runs_finish_leaves_a_finished_run_and_a_settled_resource(isolated, tmp_path, settings):
    _, client = isolated  # runs stay queued for the test to claim
    api = Api(client, make_token("admin"))
    resource = api.resource(api.template(tmp_path, "greeter"), "racer", {"name": "x"})
    run = api("post", f"/resources/{resource['id']}/provision")
    claimed = run_executor._claim(uuid.UUID(run["id"]), settings)
    finish = lambda: run_executor._finish(claimed, EngineResult(succeeded=True, outputs={}), 0)  # noqa: E731
    cancel = lambda: client.post(f"/api/v1/runs/{run['id']}/cancel", headers=api.headers).status_code  # noqa: E731
    _, cancelled = race(finish, cancel)
    assert cancelled in (202, 409)  # asked to stop while running, or already finished
    assert api("get", f"/runs/{run['id']}")["status"] == "succeeded"
    assert (api("get", f"/resources/{resource['id']}")["status"]) == "done"


def test_a_cancel_racing_a_runs_start_either_cancels_it_or_asks_it_to_stop(isolated, tmp_path, settings):
    _, client = isolated  # runs stay queued for the test to claim
    api = Api(client, make_token("admin"))
    resource = api.resource(api.template(tmp_path, "greeter"), "starter", {"name": "x"})
    run = api("post", f"/resources/{resource['id']}/provision")
    claim = lambda: run_executor._claim(uuid.UUID(run["id"]), settings)  # noqa: E731
    cancel = lambda: client.post(f"/api/v1/runs/{run['id']}/cancel", headers=api.headers).status_code  # noqa: E731
    claimed, cancelled = race(claim, cancel)
    assert cancelled == 202
    after = db.session.get(Run, uuid.UUID(run["id"]))
    db.session.refresh(after)
    if claimed is None:
        assert after.status == "cancelled"
        assert api("get", f"/resources/{resource['id']}")["status"] == "ready"
    else:
        assert (after.status, after.cancel_requested_at is not None) == ("running", True)


def test_one_grant_given_at_once_is_given_once(client):
    api = Api(client, make_token("admin"))
    integration = api("post", "/integrations/", {"name": "shared", "kind": "env", "values": {"EXAMPLE_TOKEN": "1"}})
    path = f"/api/v1/integrations/{integration['id']}/grants"
    grant = lambda: client.post(path, json={"subject": "group:default/team-a"}, headers=api.headers)  # noqa: E731
    assert [a.status_code for a in race(*[grant] * N)] == [200] * N
    assert api("get", f"/integrations/{integration['id']}/grants")["subjects"] == ["group:default/team-a"]


def test_children_created_while_their_parent_finishes_leave_pending_exactly_once(isolated, tmp_path, settings):
    _, client = isolated  # runs stay queued for the test to claim
    api = Api(client, make_token("admin"))
    network_t, app_t = api.template(tmp_path, "network", NETWORK_TF), api.template(tmp_path, "app", APP_TF)
    api("post", f"/templates/{app_t['id']}/dependencies", {"parent_template_id": network_t["id"], "wiring": [
        {"output": "network_id", "variable": "network_id"}, {"output": "db_password", "variable": "db_password"}]})
    network = api.resource(network_t, "net", {})
    run = api("post", f"/resources/{network['id']}/provision")
    claimed = run_executor._claim(uuid.UUID(run["id"]), settings)
    outputs = {"network_id": {"sensitive": False, "value": "n"}, "db_password": {"sensitive": True, "value": "p"}}

    def child(name):
        return lambda: client.post("/api/v1/resources/", headers=api.headers, json={
            "name": name, "template_id": app_t["id"], "parent_ids": [network["id"]]}).status_code

    finish = lambda: run_executor._finish(claimed, EngineResult(succeeded=True, outputs=outputs), 0)  # noqa: E731
    assert race(child("a"), finish, child("b"))[::2] == [201, 201]
    children = api("get", "/resources/?template_id=" + app_t["id"])
    assert sorted((c["name"], c["status"]) for c in children) == [("a", "ready"), ("b", "ready")]
    for c in children:
        released = api("get", f"/audit-logs/?entity_id={c['id']}&action=resource.parents_ready")
        assert len(released) <= 1


def test_cascade_destroys_of_one_tree_at_once_make_one_operation(isolated, tmp_path):
    _, client = isolated  # runs stay queued: the operations stay unfinished
    api = Api(client, make_token("admin"))
    network_t, greeter_t = api.template(tmp_path, "network", NETWORK_TF), api.template(tmp_path, "greeter")
    api("post", f"/templates/{greeter_t['id']}/dependencies", {"parent_template_id": network_t["id"], "wiring": []})
    network = api.resource(network_t, "net", {})
    db.session.query(Resource).filter_by(id=uuid.UUID(network["id"])).update({"state": "provisioned",
                                                                             "status": "done"})
    db.session.commit()  # as if provisioned: its destroy run then stays queued
    api("post", "/resources/", {"name": "leaf", "template_id": greeter_t["id"], "variables": {"name": "x"},
                                "parent_ids": [network["id"]]})
    cascade = lambda: client.post(f"/api/v1/resources/{network['id']}/cascade-destroy",  # noqa: E731
                                  headers=api.headers).status_code
    assert sorted(race(*[cascade] * N)) == [202] + [409] * (N - 1)
    assert len(api("get", f"/operations/?resource_id={network['id']}")) == 1


def test_edits_of_one_resource_at_once_leave_exactly_one_open_change(client, tmp_path):
    api = Api(client, make_token("admin"))
    resource = api.resource(api.template(tmp_path, "greeter"), "edited", {"name": "x"})
    db.session.query(Resource).filter_by(id=uuid.UUID(resource["id"])).update({"state": "provisioned",
                                                                              "status": "done"})
    db.session.commit()  # as if provisioned: edits become change requests

    def edit(i):
        return lambda: client.patch(f"/api/v1/resources/{resource['id']}", json={"variables": {"name": f"n{i}"}},
                                    headers=api.headers).status_code

    assert race(*[edit(i) for i in range(N)]) == [201] * N  # each supersedes the one before
    statuses = sorted(c["status"] for c in api("get", f"/resources/{resource['id']}/changes?page_size=50"))
    assert statuses == ["open"] + ["superseded"] * (N - 1)


def test_resources_with_one_unique_value_at_once_make_one(client, tmp_path):
    api = Api(client, make_token("admin"))
    template = api.template(tmp_path, "greeter")
    version = api("get", f"/templates/{template['id']}/versions")[0]
    api("put", f"/templates/{template['id']}/versions/{version['id']}/variables/name", {"unique": True})

    def create(i):
        return lambda: client.post("/api/v1/resources/", headers=api.headers, json={
            "name": f"r{i}", "template_id": template["id"], "variables": {"name": "same"}}).status_code

    assert sorted(race(*[create(i) for i in range(N)])) == [201] + [409] * (N - 1)
