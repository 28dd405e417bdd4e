"""The audit trail: filtered reads for admins and platform engineers, and rows nobody can change."""

import pytest
from factories import ADMIN, bearer, make_token
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service import db
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


def test_members_cannot_read_the_whole_audit_log_but_may_read_one_entitys_trail(client, entries):
    member = bearer(make_token("member"))
    assert client.get("/api/v1/audit-logs/", headers=member).status_code == 403
    assert client.get("/api/v1/audit-logs/?entity_id=some-id", headers=member).status_code == 200


def test_the_database_refuses_to_change_or_delete_audit_rows(db_session, entries):
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("UPDATE audit_logs SET actor = 'someone else'"))
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM audit_logs"))
