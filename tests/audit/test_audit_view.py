"""The audit trail: filtered reads for admins and platform engineers, and rows nobody can change."""

import pytest
from factories.auth import ADMIN, bearer, make_token
from factories.resources import make_resource
from factories.runs import RunFactory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service import db
from service.auth import auth_service
from service.resources import resource_service
from service.templates import template_service


@pytest.fixture
def entries(db_session):
    template_service.create_template(ADMIN, "one")
    template_service.create_template(ADMIN, "two")


def test_entries_come_newest_first_and_filter_by_action(client, entries):
    admin = bearer(make_token("admin"))
    body = client.get("/api/v1/audit-logs/?action=template.create", headers=admin).json
    assert [e["after"]["name"] for e in body] == ["two", "one"]
    assert all(e["actor"] == "service-account:test-admin" for e in body)


def test_members_cannot_read_the_whole_audit_log(client, entries):
    assert client.get("/api/v1/audit-logs/", headers=bearer(make_token("member"))).status_code == 403


def test_a_member_reads_the_trail_of_its_own_resource(client, template):
    member = make_token("member", "trail-reader")
    resource = make_resource(template, owner="service-account:trail-reader")
    body = client.get(f"/api/v1/audit-logs/?entity_id={resource.id}", headers=bearer(member)).json
    assert [e["action"] for e in body] == ["resource.create"]


def test_the_trail_of_a_resource_hidden_from_a_member_is_404(client, template):
    hidden = make_resource(template, owner="user:default/bob")
    response = client.get(f"/api/v1/audit-logs/?entity_id={hidden.id}", headers=bearer(make_token("member")))
    assert response.status_code == 404


def test_the_trail_of_a_run_of_a_hidden_resource_is_404(client):
    run = RunFactory(resource__owner="user:default/bob")
    response = client.get(f"/api/v1/audit-logs/?entity_id={run.id}", headers=bearer(make_token("member")))
    assert response.status_code == 404


def test_the_database_refuses_to_change_or_delete_audit_rows(db_session, entries):
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("UPDATE audit_logs SET actor = 'someone else'"))
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM audit_logs"))


def test_trails_of_other_entities_are_for_auditors_only(client, template):
    account, _ = auth_service.create_service_account("made-quietly", "admin")
    deleted = make_resource(template, name="gone", owner="service-account:trail-reader")
    resource_service.delete_resource(ADMIN, deleted.id)
    member, auditor = bearer(make_token("member", "trail-reader")), bearer(make_token("platform"))
    for entity_id in (account.id, deleted.id, "user:default/alice", "not-an-id"):
        response = client.get(f"/api/v1/audit-logs/?entity_id={entity_id}", headers=member)
        assert response.status_code == 404, entity_id
        assert client.get(f"/api/v1/audit-logs/?entity_id={entity_id}", headers=auditor).status_code == 200
