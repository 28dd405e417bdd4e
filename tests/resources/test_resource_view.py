"""Resources through the HTTP API: create with validated variables, read, list, act, delete."""

import json
import uuid

import pytest
from factories.auth import bearer, make_token
from factories.templates import TemplateVersionFactory

from service.resources.resource_states import State, Status


def _create(client, admin, template, **body):
    payload = {"name": "web", "template_id": str(template.id), "variables": {"name": "world"}, **body}
    return client.post("/api/v1/resources/", json=payload, headers=admin)


def test_create_answers_201_in_state_provision_ready(client, admin, template):
    response = _create(client, admin, template, entity_ref="component:default/checkout")
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["state"], body["status"]) == ("provision", "ready")
    assert body["entity_ref"] == "component:default/checkout"
    assert body["variables"] == {"name": "world"}
    assert body["outputs"] == {}


def test_sensitive_variables_are_masked_in_responses(client, admin, template):
    response = _create(client, admin, template, variables={"name": "x", "token": "tok-12345"})
    assert response.json["variables"]["token"] == "(sensitive)"
    fetched = client.get(f"/api/v1/resources/{response.json['id']}", headers=admin)
    assert "tok-12345" not in fetched.get_data(as_text=True)


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({}, "name", "required"),
        ({"name": 5}, "name", "expected a string"),
        ({"name": "x", "count_of": "two"}, "count_of", "expected a number"),
        ({"name": "x", "colour": "red"}, "colour", "unknown variable"),
        ({"name": "x", "tags": {"a": 1}}, "tags", "a"),
    ],
)
def test_invalid_variables_are_422_per_field_and_nothing_is_stored(client, admin, template, variables, field,
                                                                     message):
    response = _create(client, admin, template, variables=variables)
    assert response.status_code == 422
    assert message in " ".join(response.json["errors"]["variables"][field])
    assert client.get("/api/v1/resources/", headers=admin).json == []


def test_an_unknown_template_is_404(client, admin, template):
    response = client.post("/api/v1/resources/", headers=admin,
                           json={"name": "x", "template_id": str(uuid.uuid4()), "variables": {}})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x"},
        {"name": "x", "template_id": "not-a-uuid"},
        {"name": "bad name!", "template_id": str(uuid.uuid4())},
        {"name": "x", "template_id": str(uuid.uuid4()), "variables": "nope"},
        {"name": "x", "template_id": str(uuid.uuid4()), "entity_ref": "not a ref"},
    ],
)
def test_malformed_bodies_are_422(client, admin, body):
    response = client.post("/api/v1/resources/", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json["errors"]


def test_malformed_json_is_a_400_json_error(client, admin):
    headers = {**admin, "Content-Type": "application/json"}
    response = client.post("/api/v1/resources/", data="{not json", headers=headers)
    assert response.status_code == 400
    assert response.is_json


@pytest.mark.parametrize("query", ["page=zero", "page_size=1000", "state=melting", "sort=password"])
def test_bad_query_parameters_are_422(client, admin, query):
    assert client.get(f"/api/v1/resources/?{query}", headers=admin).status_code == 422


def test_a_duplicate_name_within_an_entity_is_409_but_fine_elsewhere(client, admin, template):
    assert _create(client, admin, template, entity_ref="component:default/a").status_code == 201
    assert _create(client, admin, template, entity_ref="component:default/a").status_code == 409
    assert _create(client, admin, template, entity_ref="component:default/b").status_code == 201


def test_list_filters_by_entity_and_reports_the_total(client, admin, template):
    for i in range(3):
        _create(client, admin, template, name=f"a{i}", entity_ref="component:default/a")
    _create(client, admin, template, name="b0", entity_ref="component:default/b")
    response = client.get("/api/v1/resources/?entity_ref=component:default/a&sort=name&page_size=2", headers=admin)
    assert [r["name"] for r in response.json] == ["a0", "a1"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


def test_actions_lists_what_the_caller_may_do_now(client, admin, template):
    resource = _create(client, admin, template).json
    body = client.get(f"/api/v1/resources/{resource['id']}/actions", headers=admin).json
    assert body["actions"] == ["provision", "plan", "delete"]
    viewer = bearer(make_token("viewer"))
    assert client.get(f"/api/v1/resources/{resource['id']}/actions", headers=viewer).json["actions"] == []


def test_provision_answers_202_with_the_queued_run(client, admin, template):
    resource = _create(client, admin, template).json
    response = client.post(f"/api/v1/resources/{resource['id']}/provision", headers=admin)
    assert response.status_code == 202
    assert (response.json["kind"], response.json["status"]) == ("provision", "queued")
    assert client.get(f"/api/v1/resources/{resource['id']}", headers=admin).json["status"] == "queued"


def test_an_illegal_action_is_409_with_state_and_allowed_actions(client, admin, template):
    resource = _create(client, admin, template).json
    response = client.post(f"/api/v1/resources/{resource['id']}/destroy", headers=admin)
    assert response.status_code == 409
    assert response.json["state"] == State.PROVISION
    assert response.json["resource_status"] == Status.READY
    assert response.json["allowed_actions"] == ["provision", "plan", "delete"]


def test_a_second_provision_while_queued_is_409(client, admin, template):
    resource = _create(client, admin, template).json
    assert client.post(f"/api/v1/resources/{resource['id']}/provision", headers=admin).status_code == 202
    assert client.post(f"/api/v1/resources/{resource['id']}/provision", headers=admin).status_code == 409


@pytest.fixture
def gated(client, admin, db_session):
    """A resource of a template that requires approval."""
    template = TemplateVersionFactory(template__name="gated", template__requires_approval=True).template
    return _create(client, admin, template).json


def test_a_resource_of_a_gated_template_waits_for_approval(gated):
    assert gated["status"] == "approval_pending"


def test_a_resource_waiting_for_approval_cannot_be_provisioned(client, admin, gated):
    assert client.post(f"/api/v1/resources/{gated['id']}/provision", headers=admin).status_code == 409


def test_a_member_cannot_approve_and_a_hidden_resource_reads_as_absent(client, gated):
    member = bearer(make_token("member"))
    assert client.post(f"/api/v1/resources/{gated['id']}/approve", headers=member).status_code == 404
    assert client.post(f"/api/v1/resources/{gated['id']}/approve", headers=bearer(make_token("viewer"))) \
        .status_code == 403  # sees it, may not decide


def test_an_approved_resource_is_ready_with_the_approvers_reason(client, admin, gated):
    approver = bearer(make_token("platform"))
    approved = client.post(f"/api/v1/resources/{gated['id']}/approve", json={"reason": "fine"}, headers=approver).json
    assert approved["status"] == "ready"
    assert (approved["approval"]["approved"], approved["approval"]["reason"]) == (True, "fine")
    assert approved["approval"]["requested_by"] == gated["created_by"]


def test_whoever_asked_cannot_approve_it(client, admin, gated):
    refused = client.post(f"/api/v1/resources/{gated['id']}/approve", headers=admin)
    assert refused.status_code == 403
    assert refused.json["message"] == "a request cannot be approved by whoever asked for it"


def test_reject_needs_a_reason(client, admin, gated):
    assert client.post(f"/api/v1/resources/{gated['id']}/reject", json={}, headers=admin).status_code == 422


def test_a_rejection_records_its_reason(client, admin, gated):
    response = client.post(f"/api/v1/resources/{gated['id']}/reject", json={"reason": "too big"}, headers=admin)
    assert response.json["status"] == "rejected"
    audit = client.get(f"/api/v1/audit-logs/?entity_id={gated['id']}", headers=admin).json
    assert {"reason": "too big"} in [entry["after"] for entry in audit]


def test_delete_a_never_provisioned_resource(client, admin, template):
    resource = _create(client, admin, template).json
    assert client.delete(f"/api/v1/resources/{resource['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/resources/{resource['id']}", headers=admin).status_code == 404


def test_a_viewer_cannot_create_or_provision(client, admin, template):
    resource = _create(client, admin, template).json
    viewer = bearer(make_token("viewer"))
    assert _create(client, viewer, template, name="other").status_code == 403
    assert client.post(f"/api/v1/resources/{resource['id']}/provision", headers=viewer).status_code == 403


def test_every_action_is_audited_with_actor_and_before_after(client, admin, template):
    resource = _create(client, admin, template).json
    client.post(f"/api/v1/resources/{resource['id']}/provision", headers=admin)
    entries = client.get(f"/api/v1/audit-logs/?entity_id={resource['id']}", headers=admin).json
    assert [e["action"] for e in entries] == ["resource.provision", "resource.create"]
    assert entries[0]["actor"] == "service-account:test-admin"
    assert entries[0]["before"]["status"] == "ready"
    assert entries[0]["after"]["status"] == "queued"
    assert entries[0]["request_id"]
    assert entries[0]["source_address"] == "127.0.0.1"


@pytest.mark.parametrize("text", ["nul\u0000byte", "lone \udb29 surrogate"])
def test_text_the_database_cannot_store_is_422_not_500(client, admin, template, text):
    assert client.post("/api/v1/templates/", json={"name": text}, headers=admin).status_code == 422
    response = _create(client, admin, template, variables={"name": text})
    assert response.status_code == 422
    assert "variables.name" in json.dumps(response.json)


def test_a_nul_in_a_query_parameter_is_422(client, admin):
    assert client.get("/api/v1/resources/?name=a%00b", headers=admin).status_code == 422


@pytest.fixture
def member(db_session):
    return bearer(make_token("member", "dev-1"))


@pytest.fixture
def theirs(client, admin, template):
    """A resource of another team's."""
    return _create(client, admin, template, name="theirs", owner="group:default/team-b").json


def test_a_member_owns_what_it_creates_and_may_provision_it(client, member, template):
    mine = _create(client, member, template, name="mine").json
    assert mine["owner"] == "service-account:dev-1"
    assert client.post(f"/api/v1/resources/{mine['id']}/provision", headers=member).status_code == 202


@pytest.mark.parametrize(("method", "path"), [("get", ""), ("get", "/actions"), ("post", "/provision")])
def test_another_teams_resource_is_not_there_for_a_member(client, member, theirs, method, path):
    assert getattr(client, method)(f"/api/v1/resources/{theirs['id']}{path}", headers=member).status_code == 404


def test_a_member_lists_only_what_it_or_its_groups_own(client, member, theirs, template):
    _create(client, member, template, name="mine")
    assert [r["name"] for r in client.get("/api/v1/resources/", headers=member).json] == ["mine"]


def test_a_viewer_sees_another_teams_resource_and_may_take_no_action(client, theirs):
    viewer = bearer(make_token("viewer", "auditor"))
    assert client.get(f"/api/v1/resources/{theirs['id']}", headers=viewer).status_code == 200
    assert client.get(f"/api/v1/resources/{theirs['id']}/actions", headers=viewer).json["actions"] == []
    assert client.post(f"/api/v1/resources/{theirs['id']}/provision", headers=viewer).status_code == 403


def test_a_member_may_not_give_a_resource_to_a_group_it_does_not_belong_to(client, member, template):
    assert _create(client, member, template, name="gift", owner="group:default/team-b").status_code == 403


@pytest.mark.parametrize("action", ["provision", "plan"])
@pytest.mark.parametrize(("role", "status"), [("admin", 202), ("platform", 202), ("member", 404), ("viewer", 403)])
def test_role_by_action_matrix(client, admin, template, action, role, status):
    """Who may queue a run of a resource owned by someone else (admin/platform may, a viewer may not, and a member
    does not even see it)."""
    resource = _create(client, admin, template, name=f"m-{role}", owner="group:default/elsewhere").json
    headers = bearer(make_token(role, f"matrix-{role}"))
    assert client.post(f"/api/v1/resources/{resource['id']}/{action}", headers=headers).status_code == status


SIZED_TF = '''
    variable "size" {
      type = string
      validation {
        condition     = contains(["small", "large"], var.size)
        error_message = "pick a size"
      }
    }
'''


@pytest.fixture
def sized(db_session):
    """A version whose `size` variable allows small and large (parsed from a contains() validation)."""
    return TemplateVersionFactory(main_tf=SIZED_TF)


def test_a_versions_allowed_values_are_shown(client, admin, sized):
    shown = client.get(f"/api/v1/templates/{sized.template_id}/versions/{sized.id}", headers=admin).json
    assert shown["variables"][0]["allowed_values"] == ["small", "large"]


def test_a_value_outside_the_allowed_ones_is_422(client, admin, sized):
    refused = _create(client, admin, sized.template, variables={"size": "huge"})
    assert refused.status_code == 422
    assert refused.json["errors"]["variables"]["size"] == ["one of small, large"]


def test_an_allowed_value_is_accepted(client, admin, sized):
    assert _create(client, admin, sized.template, variables={"size": "small"}).status_code == 201
