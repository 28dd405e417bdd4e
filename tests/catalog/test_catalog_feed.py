"""GET /catalog/entities: the resources a caller sees as Backstage entities, read in full (paged by a cursor) or as
the changes after an event id (long-polled), for the catalog backend module's entity provider."""

import threading
import time
import uuid

import pytest
from factories.auth import bearer, make_token
from factories.modules import write_module
from factories.resources import ResourceFactory, ResourceParentFactory
from factories.templates import TemplateVersionFactory, make_template
from sqlalchemy import delete

from service import db
from service.catalog.catalog_entities import entity_ref
from service.events import event_service
from service.events.event_model import Event
from service.resources.resource_model import Resource
from service.resources.resource_states import State, Status

URL = "/api/v1/catalog/entities"


def _read(client, headers, **params) -> dict:
    response = client.get(URL, query_string=params, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _full(client, headers, limit=200) -> tuple[list[dict], int]:
    """Every page of a full read: (entities, the last_event_id to continue from)."""
    entities, page = [], _read(client, headers, limit=limit)
    last_event_id = page["last_event_id"]
    while True:
        entities += page["entities"]
        assert page["last_event_id"] == last_event_id and page["removed"] == [] and page["more"] is False
        if page["next_cursor"] is None:
            return entities, last_event_id
        page = _read(client, headers, limit=limit, cursor=page["next_cursor"])


def _create(client, headers, template, name, **body) -> dict:
    payload = {"name": name, "template_id": str(template.id), "variables": {"name": "x", "token": "tok-1"}, **body}
    response = client.post("/api/v1/resources/", json=payload, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def version(db_session):
    return TemplateVersionFactory(template__name="Postgres DB", template__catalog_type="database")


def test_a_full_read_pages_through_every_live_resource_once(client, admin, version):
    live = [ResourceFactory(version=version, name=f"db {i}") for i in range(7)]
    ResourceFactory(version=version, name="gone", state=State.DESTROYED, status=Status.DONE)

    entities, _ = _full(client, admin, limit=3)

    ids = [e["metadata"]["annotations"]["infrakitchen.io/resource-id"] for e in entities]
    assert sorted(ids) == sorted(str(r.id) for r in live) and len(set(ids)) == len(ids)


def test_an_entity_says_what_the_resource_is_who_owns_it_and_what_it_builds_on(client, admin, version):
    network = ResourceFactory(version=version, name="core network", state=State.PROVISIONED, status=Status.DONE)
    database = ResourceFactory(version=version, name="Orders DB", entity_ref="component:default/orders",
                               owner="group:default/payments")
    ResourceParentFactory(resource_id=database.id, parent_id=network.id)

    entities, _ = _full(client, admin)
    shown = next(e for e in entities if e["metadata"]["title"] == "Orders DB")

    assert shown["apiVersion"] == "backstage.io/v1alpha1" and shown["kind"] == "Resource"
    assert shown["metadata"]["name"] == f"orders-db-{database.id.hex[:12]}"
    assert shown["metadata"]["namespace"] == "default"
    annotations = shown["metadata"]["annotations"]
    assert annotations["infrakitchen.io/resource-id"] == str(database.id)
    assert annotations["infrakitchen.io/template"] == "Postgres DB"
    assert annotations["infrakitchen.io/template-version"] == version.version
    assert (annotations["infrakitchen.io/state"], annotations["infrakitchen.io/status"]) == ("provision", "ready")
    assert annotations["backstage.io/managed-by-location"] == \
        f"url:http://127.0.0.1:7777/api/v1/resources/{database.id}"
    assert shown["metadata"]["tags"] == ["infrakitchen", "postgres-db"]
    assert shown["spec"] == {
        "type": "database", "owner": "group:default/payments", "lifecycle": "production",
        "dependencyOf": ["component:default/orders"],
        "dependsOn": [f"resource:default/core-network-{network.id.hex[:12]}"],
    }


def test_a_resource_of_a_system_names_it_as_its_system(client, admin, version):
    ResourceFactory(version=version, name="shared bus", entity_ref="system:default/checkout")
    (shown,), _ = _full(client, admin)
    assert shown["spec"]["system"] == "system:default/checkout"
    assert shown["spec"]["dependencyOf"] == ["system:default/checkout"]


def test_a_template_without_a_catalog_type_makes_infrastructure(client, admin):
    ResourceFactory(version=TemplateVersionFactory(template__name="plain"))
    (shown,), _ = _full(client, admin)
    assert shown["spec"]["type"] == "infrastructure"


def test_a_member_sees_only_what_it_owns_in_full_and_in_changes(client, admin, version):
    member = bearer(make_token("member", "test-member"))
    ResourceFactory(version=version, name="mine", owner="service-account:test-member")
    ResourceFactory(version=version, name="theirs", owner="group:default/others")
    template = version.template
    db.session.commit()  # (their events before the read's)

    entities, last_event_id = _full(client, member)
    assert [e["metadata"]["title"] for e in entities] == ["mine"]

    _create(client, admin, template, "theirs-later", owner="group:default/others")
    changes = _read(client, member, after=last_event_id)
    assert (changes["entities"], changes["removed"]) == ([], [])
    assert changes["last_event_id"] > last_event_id  # looked past the change it may not see


def test_changes_add_what_was_created_and_remove_what_was_deleted(client, admin, template):
    _, last_event_id = _full(client, admin)
    created = _create(client, admin, template, "fresh")
    doomed = _create(client, admin, template, "doomed")

    changes = _read(client, admin, after=last_event_id)
    assert sorted(e["metadata"]["title"] for e in changes["entities"]) == ["doomed", "fresh"]
    assert changes["removed"] == [] and changes["more"] is False and changes["next_cursor"] is None

    assert client.delete(f"/api/v1/resources/{doomed['id']}", headers=admin).status_code == 204
    later = _read(client, admin, after=changes["last_event_id"])
    assert later["entities"] == []
    assert later["removed"] == [entity_ref("doomed", uuid.UUID(doomed["id"]))]
    assert created["id"] not in str(later)


def test_a_destroyed_resource_leaves_the_catalog(client, admin, version):
    resource = ResourceFactory(version=version, name="old", state=State.PROVISIONED, status=Status.DONE)
    resource_id = resource.id
    db.session.commit()
    _, last_event_id = _full(client, admin)
    resource = db.session.get(Resource, resource_id)
    resource.state, resource.status = State.DESTROYED, Status.DONE
    db.session.commit()

    changes = _read(client, admin, after=last_event_id)
    assert changes["removed"] == [entity_ref("old", resource_id)]


def test_changes_after_pruned_events_ask_for_a_full_read(client, admin, template):
    _create(client, admin, template, "one")
    _create(client, admin, template, "two")
    newest = event_service.last_id()
    db.session.execute(delete(Event).where(Event.id < newest))
    db.session.commit()

    response = client.get(URL, query_string={"after": 1}, headers=admin)
    assert response.status_code == 409
    assert response.json["reset"] is True


@pytest.mark.parametrize("query", [
    {"cursor": "not-a-cursor"}, {"cursor": "bm9wZQ"}, {"limit": 0}, {"limit": 501}, {"after": -1},
    {"after": 1, "cursor": "x"}, {"wait": 5}, {"after": 1, "wait": 26},
])
def test_bad_queries_are_422(client, admin, query):
    response = client.get(URL, query_string=query, headers=admin)
    assert response.status_code == 422, response.json


def test_the_catalog_needs_a_token(client):
    assert client.get(URL).status_code == 401


def test_a_long_poll_for_changes_answers_as_soon_as_a_resource_commits(app, committed_db, tmp_path):
    headers = bearer(make_token("viewer", "catalog-poller"))
    admin = bearer(make_token("admin", "catalog-writer"))
    template, _ = make_template(write_module(tmp_path / "greeter"))
    after = event_service.last_id()

    def create_later():
        time.sleep(1)
        _create(app.test_client(), admin, template, "late")

    threading.Thread(target=create_later).start()
    started = time.monotonic()
    changes = _read(app.test_client(), headers, after=after, wait=20)
    assert [e["metadata"]["title"] for e in changes["entities"]] == ["late"]
    assert 0.9 < time.monotonic() - started < 10
