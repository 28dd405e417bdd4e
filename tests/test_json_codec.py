"""Values read back from the database and sent in responses are the values stored, whatever their size: orjson
does the usual ones, Python's json what orjson cannot hold exactly."""

from factories.resources import ResourceFactory
from factories.templates import TemplateVersionFactory

from service import db, json_codec

AWKWARD = {"big": 2**70, "negative": -(2**65), "text": "ünïcödé ✓", "digits": "1" * 25,
           "nested": {"list": [1, 2.5, None, True]}}


def test_values_orjson_cannot_hold_read_back_exactly():
    assert json_codec.loads('{"a": 1180591620717411303424}') == {"a": 1180591620717411303424}
    assert json_codec.loads(b'[-36893488147419103232, 1e400]') == [-36893488147419103232, float("inf")]
    assert json_codec.loads(memoryview(b'{"a": [1, 2]}')) == {"a": [1, 2]}


def test_a_resource_with_awkward_values_round_trips_through_the_database_and_the_api(client, admin, db_session):
    resource = ResourceFactory(version=TemplateVersionFactory(), variables=AWKWARD)
    db.session.commit()
    single = client.get(f"/api/v1/resources/{resource.id}", headers=admin)
    assert single.status_code == 200 and single.json["variables"] == AWKWARD
    [listed] = client.get("/api/v1/resources/", headers=admin).json
    assert listed["variables"] == AWKWARD
