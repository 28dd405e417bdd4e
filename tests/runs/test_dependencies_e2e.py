"""Resources that build on each other, with real runs: a network, then an app wired to its outputs."""

import uuid

import pytest
from factories.auth import make_token
from factories.modules import APP_TF, NETWORK_TF
from support import Api, wait_for

from service import db
from service.resources.resource_model import Resource

pytestmark = pytest.mark.e2e
WIRING = [{"output": "network_id", "variable": "network_id"}, {"output": "db_password", "variable": "db_password"}]


@pytest.fixture
def api(app, committed_db, worker_process):
    return Api(app.test_client(), make_token("admin", "layers-admin"))


def test_an_app_waits_for_its_network_then_provisions_with_its_real_outputs(api, tmp_path):
    network_t, app_t = api.template(tmp_path, "network", NETWORK_TF), api.template(tmp_path, "app", APP_TF)
    api("post", f"/templates/{app_t['id']}/dependencies", {"parent_template_id": network_t["id"], "wiring": WIRING})
    network = api.resource(network_t, "net", {"cidr": "10.1.0.0/16"})
    app = api("post", "/resources/", {"name": "shop", "template_id": app_t["id"], "variables": {"name": "shop"},
                                      "parent_ids": [network["id"]], "auto_provision": True})
    assert (app["status"], app["parent_ids"]) == ("pending", [network["id"]])
    assert "net" in app["pending_reason"]
    assert api("post", f"/resources/{app['id']}/provision", expect=409)["pending_reason"] == app["pending_reason"]

    api("post", f"/resources/{network['id']}/provision")
    assert api.settled(network["id"])["status"] == "done"
    # Queued by itself in the transaction that finished the network's run, then provisioned.
    settled = wait_for(lambda: (r := api("get", f"/resources/{app['id']}"))["status"] in ("done", "error") and r,
                       what="the app to provision by itself")
    assert settled["status"] == "done", api("get", f"/runs/{settled['last_run']['id']}/logs")["lines"][-15:]
    password = db.session.get(Resource, uuid.UUID(network["id"])).secret_outputs["db_password"]
    assert settled["outputs"]["placed_on"]["value"] == "shop on net-10.1.0.0/16"
    assert settled["outputs"]["password_length"]["value"] == len(password)  # the real, sensitive value arrived

    refused = api("post", f"/resources/{network['id']}/destroy", expect=409)
    assert [c["name"] for c in refused["children"]] == ["shop"]
    run = api("get", f"/resources/{app['id']}")["last_run"]
    seen = [api("get", f"/runs/{run['id']}/logs"), api("get", f"/resources/{network['id']}"),
            api("get", f"/resources/{app['id']}"), api("get", "/audit-logs/?page_size=100"),
            api("get", f"/events?after=0&resource_id={app['id']}")]
    assert password not in str(seen)

    api("post", f"/resources/{app['id']}/destroy")
    assert api.settled(app["id"])["state"] == "destroyed"
    api("post", f"/resources/{network['id']}/destroy")
    assert api.settled(network["id"])["state"] == "destroyed"
