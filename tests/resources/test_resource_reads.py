"""List totals: exact up to listing.EXACT_TOTAL_LIMIT, an estimate marked as such beyond (never below the limit),
and pages past an estimated end simply empty. The page shows each resource's template, version and last run as
a page of single reads would."""

import json

import pytest
from factories.resources import ResourceFactory
from factories.runs import RunFactory
from factories.templates import TemplateVersionFactory
from sqlalchemy import event, text

from service import db
from service.listing import EXACT_TOTAL_LIMIT


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
    # the caller's token; the page's total, its keys and rows joined to template, version and last run, then
    # integrations and parents; the newest active versions
    assert len(_statements(client, admin, "/api/v1/resources/?entity_ref=component:default/busy")) == 6
    # the caller's token; the resource with all it shows; the newest active versions
    assert len(_statements(client, admin, f"/api/v1/resources/{resource.id}")) == 3
