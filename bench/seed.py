"""Bulk seeding for the benchmarks: templates through the ORM, then resources and their runs with one INSERT ...
SELECT each, grown step by step (1k, then 10k, ...) so one database serves every scale.

The mix: 20 templates of two versions each (half the resources on the older one, so `upgrade_available` has work),
1,000 catalog entities, 50 owner groups, 80% provisioned, 5% failed (`error`), the rest never applied; a run for
every resource that had one, pointed at by `last_run_id` as the service does."""

import uuid

from sqlalchemy import text

from service import db
from service.resources.resource_model import Resource
from service.templates.template_model import Template, TemplateVersion

TEMPLATES = 20
ENTITIES = 1000
GROUPS = 50
VARIABLES = [{"name": "name", "type": "string", "required": True, "sensitive": False, "default": None,
              "description": ""}]


def entity(i: int) -> str:
    return f"component:default/svc-{i % ENTITIES}"


def templates() -> list[uuid.UUID]:
    """The templates, each with versions 1.0.0 and 2.0.0 (the newest active); returns the ids of the versions,
    old then new, per template."""
    session = db.session()
    versions = []
    for i in range(TEMPLATES):
        template = Template(name=f"bench-{i}", description="", created_by="bench")
        session.add(template)
        session.flush()
        for number in ("1.0.0", "2.0.0"):
            version = TemplateVersion(template_id=template.id, version=number, source_url="bench", variables=VARIABLES,
                                      outputs=[], archive=b"", created_by="bench")
            session.add(version)
            session.flush()
            versions.append(version.id)
    # One resource through the ORM: its sealed (empty) secret columns are copied into every bulk row.
    session.add(Resource(name="prototype", template_id=template.id, template_version_id=version.id,
                         owner="group:default/bench-0", created_by="bench", state="destroyed", status="done"))
    session.commit()
    return versions


def grow(versions: list[uuid.UUID], start: int, stop: int) -> None:
    """Resources start..stop-1 (and their runs), then VACUUM ANALYZE."""
    session = db.session()
    session.execute(text("""
        INSERT INTO resources (id, name, template_id, template_version_id, entity_ref, variables, secret_names,
                               sealed_secret_variables, outputs, secret_outputs, auto_provision, state, status, owner,
                               created_by, created_at, updated_at)
        SELECT gen_random_uuid(), 'res-' || n, v.template_id, v.id, 'component:default/svc-' || (n % :entities),
               jsonb_build_object('name', 'res-' || n), '[]'::jsonb, p.sealed_secret_variables,
               '{"url": {"value": "https://example.test", "sensitive": false}}'::jsonb, p.secret_outputs, false,
               CASE WHEN n % 20 = 0 THEN 'provision' WHEN n % 20 < 17 THEN 'provisioned' ELSE 'provision' END,
               CASE WHEN n % 20 = 0 THEN 'error' WHEN n % 20 < 17 THEN 'done' ELSE 'ready' END,
               'group:default/bench-' || (n % :groups), 'bench',
               now() - make_interval(secs => (:stop - n) * 30), now() - make_interval(secs => (:stop - n) * 30)
        FROM generate_series(:start, :stop - 1) AS n
        JOIN template_versions v ON v.id = (:versions)[1 + (n % :count)]
        CROSS JOIN (SELECT sealed_secret_variables, secret_outputs FROM resources WHERE name = 'prototype') p
    """), {"start": start, "stop": stop, "entities": ENTITIES, "groups": GROUPS, "versions": versions,
           "count": len(versions)})
    session.execute(text("""
        INSERT INTO runs (id, resource_id, kind, status, created_by, created_at, started_at, finished_at,
                          cancel_force, log_line_count)
        SELECT gen_random_uuid(), r.id, 'provision', CASE WHEN r.status = 'error' THEN 'failed' ELSE 'succeeded' END,
               'bench', r.created_at, r.created_at, r.created_at + interval '40 seconds', false, 12
        FROM resources r WHERE r.last_run_id IS NULL AND r.status <> 'ready' AND r.name <> 'prototype'
    """))
    session.execute(text("""
        UPDATE resources r SET last_run_id = runs.id FROM runs
        WHERE runs.resource_id = r.id AND r.last_run_id IS NULL
    """))
    session.commit()
    # As autovacuum would have by then: statistics for the planner, and the visibility map for index-only scans.
    with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
