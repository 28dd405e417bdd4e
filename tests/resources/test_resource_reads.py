"""List totals: exact up to listing.EXACT_TOTAL_LIMIT, an estimate marked as such beyond (never below the limit),
and pages past an estimated end simply empty. Lists and single reads are sent by a plain serializer
(resource_schema.shown), held here equal to ResourceSchema's dump of the same resources."""

import json
from datetime import timedelta

import pytest
from factories.auth import ADMIN
from factories.resources import ResourceFactory, ResourceParentFactory
from factories.runs import RunFactory
from factories.templates import TemplateVersionFactory
from sqlalchemy import event, insert, text

from service import db
from service.integrations.integration_model import Integration, resource_integrations
from service.listing import EXACT_TOTAL_LIMIT
from service.resources import resource_service
from service.resources.resource_schema import ResourceSchema
from service.resources.resource_states import State, Status


def _bulk(version, count: int, entity: str) -> None:
    db.session.execute(text("""
        INSERT INTO resources (id, name, template_id, template_version_id, entity_ref, variables, secret_names,
                               sealed_secret_variables, outputs, auto_provision, state, status, owner, created_by,
                               created_at, updated_at)
        SELECT gen_random_uuid(), 'bulk-' || n, :template_id, :version_id, :entity, '{}', '[]', p.sealed,
               '{}', false, 'provision', 'ready', 'service-account:test-admin', 'test', now(), now()
        FROM generate_series(1, :count) AS n
        CROSS JOIN (SELECT sealed_secret_variables AS sealed FROM resources LIMIT 1) p
    """), {"template_id": version.template_id, "version_id": version.id, "entity": entity, "count": count})
    db.session.execute(text("ANALYZE resources"))


def _pagination(response) -> dict:
    assert response.status_code == 200, response.json
    return json.loads(response.headers["X-Pagination"])


@pytest.fixture
def version(db_session):
    return TemplateVersionFactory(template__name="many")


def test_a_small_total_is_exact(client, admin, version):
    ResourceFactory(version=version, entity_ref="component:default/few")
    _bulk(version, EXACT_TOTAL_LIMIT - 1, "component:default/few")
    page = _pagination(client.get("/api/v1/resources/?entity_ref=component:default/few", headers=admin))
    assert page["total"] == EXACT_TOTAL_LIMIT and "total_estimated" not in page


def test_a_large_total_is_an_estimate_that_says_so(client, admin, version):
    ResourceFactory(version=version)
    _bulk(version, EXACT_TOTAL_LIMIT + 500, "component:default/many")
    page = _pagination(client.get("/api/v1/resources/?entity_ref=component:default/many", headers=admin))
    assert page["total_estimated"] is True
    assert page["total"] > EXACT_TOTAL_LIMIT  # the planner's figure, close to 1,500 once analysed
    beyond = client.get("/api/v1/resources/?entity_ref=component:default/many&page=1000&page_size=50", headers=admin)
    assert beyond.status_code == 200 and beyond.json == []


def test_a_page_shows_template_version_and_last_run_as_a_single_read_does(client, admin, version):
    resource = ResourceFactory(version=version, entity_ref="component:default/one")
    run = RunFactory(resource=resource)
    resource.last_run_id = run.id
    db.session.commit()
    [listed] = client.get("/api/v1/resources/?entity_ref=component:default/one", headers=admin).json
    single = client.get(f"/api/v1/resources/{resource.id}", headers=admin).json
    assert listed == single
    assert (listed["template_name"], listed["template_version"], listed["last_run"]["id"]) == (
        "many", version.version, str(run.id))


def _varied(version) -> list:
    """Resources showing every field's cases: a run or none, parents, integrations (listed by name), an approval
    (whose `restore` is not shown), sensitive values and outputs, a reason to wait, changed parent outputs, no
    entity, no outputs."""
    newer = TemplateVersionFactory(template=version.template, version="9.0.0",
                                   created_at=version.created_at + timedelta(days=1))
    plain = ResourceFactory(version=version, entity_ref=None, outputs=None)
    rich = ResourceFactory(version=version, entity_ref="component:default/varied", secret_names=["password"],
                           variables={"name": "x", "size": 3}, state=State.PROVISIONED, status=Status.DONE,
                           outputs={"url": {"value": "https://x", "sensitive": False},
                                    "token": {"value": None, "sensitive": True}},
                           approval={"action": "destroy", "requested_by": "user:default/a",
                                     "requested_at": "2026-12-03T10:00:00+00:00", "approved": None,
                                     "restore": ["provisioned", "done"]},
                           parent_outputs_changed_at=db.utcnow())
    rich.last_run_id = RunFactory(resource=rich).id
    on_newest = ResourceFactory(version=newer, pending_reason="waiting for net", state=State.PROVISION,
                                status=Status.PENDING)
    for parent in (plain, on_newest):
        ResourceParentFactory(resource_id=rich.id, parent_id=parent.id)
    for name in ("zeta", "alpha"):
        integration = Integration(name=f"{name}-{rich.id.hex[:6]}", kind="env", variable_names=[],
                                  sealed_values=b"sealed", created_by="test")
        db.session.add(integration)
        db.session.flush()
        db.session.execute(insert(resource_integrations).values(resource_id=rich.id, integration_id=integration.id))
    db.session.commit()
    db.session.expire_all()  # read back as a request would
    upgrades = {plain.id: newer, rich.id: newer, on_newest.id: None}
    expected = []
    for resource in (plain, rich, on_newest):
        orm = resource_service.get_resource(ADMIN, resource.id)
        orm.upgrade = None if upgrades[resource.id] is None else {"version_id": newer.id, "version": newer.version}
        expected.append(json.loads(json.dumps(ResourceSchema().dump(orm))))
    return expected


def test_lists_and_single_reads_send_what_the_schema_dumps(client, admin, version):
    expected = _varied(version)
    for resource in expected:
        assert client.get(f"/api/v1/resources/{resource['id']}", headers=admin).json == resource
    listed = client.get("/api/v1/resources/?sort=created_at", headers=admin).json
    assert listed == expected
    assert expected[1]["integration_ids"] and expected[1]["parent_ids"] and expected[1]["approval"]
    assert expected[0]["upgrade_available"]["version"] == "9.0.0" and expected[2]["upgrade_available"] is None


def _statements(client, admin, path: str) -> list[str]:
    seen = []
    engine = db.session().get_bind().engine

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path, headers=admin).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [s for s in seen if s not in ("SAVEPOINT", "RELEASE")]


def test_reads_take_a_fixed_number_of_statements_whatever_the_page_holds(client, admin, version):
    for _ in range(30):
        resource = ResourceFactory(version=version, entity_ref="component:default/busy")
        resource.last_run_id = RunFactory(resource=resource).id
    db.session.commit()
    client.get("/api/v1/resources/", headers=admin)  # the token's first use is recorded (an UPDATE) once
    # the caller's token; the page's total; its keys and rows joined to template, version, last run and newest
    # version; its parents and integrations
    assert len(_statements(client, admin, "/api/v1/resources/?entity_ref=component:default/busy")) == 4
    # the caller's token; the resource with all it shows; its parents and integrations
    assert len(_statements(client, admin, f"/api/v1/resources/{resource.id}")) == 3
