"""Live updates end to end: a real worker commits, the API server's hub hears PostgreSQL's NOTIFY, sockets
deliver. The server is the session's `live_server` (gunicorn), reached over real WebSockets."""

import socket
import time
import uuid
from datetime import timedelta

import pytest
import requests
from conftest import ADMIN_URL
from factories.auth import bearer, make_token
from factories.modules import GREETER_TF, write_module
from factories.resources import make_resource
from factories.templates import make_template
from sqlalchemy import create_engine, text
from support import Socket, serving

from service import db
from service.auth import auth_service

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin_token(committed_db):
    return make_token("admin", "live-admin")


@pytest.fixture
def resource(committed_db, tmp_path):
    template, _ = make_template(write_module(tmp_path / "m", GREETER_TF))
    return make_resource(template, name="live", variables={"name": "live", "token": "tok-live-secret-77"},
                         entity_ref="component:default/shop", owner="group:default/team-a")


def _provision(live_server, token, resource_id) -> dict:
    response = requests.post(f"{live_server}/resources/{resource_id}/provision", headers=bearer(token), timeout=10)
    assert response.status_code == 202, response.text
    return response.json()


def _until(socket: Socket, predicate, timeout=90.0) -> list[dict]:
    """Every message up to and including the first that satisfies `predicate`."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.append(socket.receive(timeout=deadline - time.monotonic()))
        if predicate(seen[-1]):
            return seen
    raise AssertionError(f"not seen in {timeout} s; got {[m['type'] for m in seen]}")


def _settled(message: dict) -> bool:
    return message["type"] == "resource.updated" and message["data"]["status"] in ("done", "error")


def test_a_subscriber_sees_a_provision_in_order_with_its_log(live_server, worker_process, admin_token, resource):
    socket = Socket(live_server, subprotocols=["infrakitchen.v1", admin_token])
    assert socket.expect("ready")["subject"] == "service-account:live-admin"
    socket.send({"type": "subscribe", "subscription": "r", "resource_id": str(resource.id)})
    socket.expect("subscribed")
    run = _provision(live_server, admin_token, resource.id)
    socket.send({"type": "subscribe", "subscription": "log", "run_id": run["id"], "after": 0})

    messages = _until(socket, _settled)
    statuses = [m["data"]["status"] for m in messages if m["type"] == "resource.updated"]
    assert statuses == ["queued", "in_progress", "done"]
    ids = [m["id"] for m in messages if m.get("subscription") == "r"]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    run_events = [m["type"] for m in messages if m.get("subscription") == "log" and m["type"].startswith("run.")]
    assert run_events[:2] == ["run.queued", "run.started"]
    log = [line for m in messages if m["type"] == "run.log" for line in m["data"]["lines"]]
    assert any("Apply complete" in line for line in log)
    assert "tok-live-secret-77" not in str(messages)
    assert messages[-1]["data"]["outputs"]["greetings"]["value"] == ["hello live 0"]
    socket.close()


def test_a_client_that_reconnects_gets_what_it_missed_once(live_server, worker_process, admin_token, resource):
    first = Socket(live_server, token=admin_token)
    first.expect("ready")
    first.send({"type": "subscribe", "subscription": "r", "resource_id": str(resource.id)})
    first.expect("subscribed")
    _provision(live_server, admin_token, resource.id)
    queued = first.expect("resource.updated")
    assert queued["data"]["status"] == "queued"
    first.close()  # gone mid-run

    time.sleep(1)
    second = Socket(live_server, token=admin_token)
    second.expect("ready")
    second.send({"type": "subscribe", "subscription": "r", "resource_id": str(resource.id), "after": queued["id"]})
    messages = _until(second, _settled)
    updates = [m for m in messages if m["type"] == "resource.updated"]
    assert [m["data"]["status"] for m in updates] == ["in_progress", "done"]
    ids = [m["id"] for m in messages if "id" in m]
    assert len(ids) == len(set(ids)) and min(ids) > queued["id"]
    second.close()


def test_an_event_committed_by_the_worker_reaches_every_api_process(live_server, worker_process, base_env,
                                                                     admin_token, resource):
    with serving({**base_env, "STATE_API_URL": ""}, workers=2, threads=8) as (other_url, _):
        sockets = [Socket(url, token=admin_token) for url in (live_server, other_url, other_url)]
        for socket in sockets:
            socket.expect("ready")
            socket.send({"type": "subscribe", "subscription": "shop", "entity_ref": "component:default/shop"})
            socket.expect("subscribed")
        _provision(live_server, admin_token, resource.id)
        for socket in sockets:
            assert _until(socket, _settled)[-1]["data"]["status"] == "done"
            socket.close()


def test_a_client_of_another_group_receives_nothing(live_server, admin_token, resource):
    outsider_token = make_token("member", "outsider")  # owns nothing; the resource is team-a's
    outsider = Socket(live_server, token=outsider_token)
    outsider.expect("ready")
    outsider.send({"type": "subscribe", "subscription": "all", "all": True})
    outsider.expect("subscribed")
    outsider.send({"type": "subscribe", "subscription": "r", "resource_id": str(resource.id)})
    assert outsider.expect("error")["message"] == f"resource {resource.id} not found"
    watcher = Socket(live_server, token=admin_token)
    watcher.expect("ready")
    watcher.send({"type": "subscribe", "subscription": "all", "all": True})
    watcher.expect("subscribed")

    resource.name = "renamed"  # any committed change will do; a rename keeps the worker out of it
    db.session.commit()

    assert watcher.expect("resource.updated")["data"]["name"] == "renamed"
    outsider.send({"type": "ping"})
    assert outsider.receive()["type"] == "pong"  # the event, had it been sent, would have come first
    outsider.close()
    watcher.close()


def test_invalid_and_expired_tokens_are_refused(live_server, committed_db):
    assert Socket(live_server, token="ik_not-a-real-token").close_code() == 4401
    assert Socket(live_server, subprotocols=["infrakitchen.v1", "ik_nope"]).close_code() == 4401
    _, expired = auth_service.create_service_account("expired", "admin", db.utcnow() - timedelta(seconds=1))
    assert Socket(live_server, token=expired).close_code() == 4401


def test_a_token_that_expires_mid_connection_ends_it(live_server, committed_db):
    _, token = auth_service.create_service_account("brief", "viewer", db.utcnow() + timedelta(seconds=3))
    socket = Socket(live_server, token=token)
    assert socket.expect("ready")["expires_at"] is not None
    assert socket.close_code(timeout=10) == 4401


def test_a_socket_that_never_authenticates_is_closed(live_server):
    started = time.monotonic()
    assert Socket(live_server).close_code(timeout=15) == 4401
    assert time.monotonic() - started < 10


def test_a_client_that_stops_answering_pings_is_dropped(live_server, admin_token):
    # A raw connection: handshake, read `ready`, then never answer (a dead peer behind a proxy looks like this).
    host, port = live_server.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=15) as raw:
        raw.sendall(("GET /api/v1/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     f"Sec-WebSocket-Protocol: infrakitchen.v1, {admin_token}\r\n\r\n").encode())
        started, received = time.monotonic(), b""
        while chunk := raw.recv(4096):  # pings (WS_PING_SECONDS=2), never answered, then the close and EOF
            received += chunk
        assert b"101 Switching Protocols" in received and b'"ready"' in received
        assert time.monotonic() - started < 12


def test_a_server_shutting_down_closes_its_sockets_with_going_away(base_env, admin_token):
    with serving({**base_env, "STATE_API_URL": ""}, threads=8) as (url, server):
        client = Socket(url, token=admin_token)
        client.expect("ready")
        started = time.monotonic()
        server.terminate()
        assert client.close_code(timeout=10) == 1001
        server.wait(timeout=20)
        assert time.monotonic() - started < 15  # not the 30 s grace period a forgotten socket would cost


def test_an_unexpected_error_closes_a_socket_with_1011_and_is_logged(base_env, database_url, tmp_path):
    # A database without its tables: the server starts (health only needs a connection), and the first query
    # of an authentication fails in a way no handler expects.
    name = f"ik_bare_{uuid.uuid4().hex[:8]}"
    bare = database_url.rsplit("/", 1)[0] + f"/{name}"
    _admin(f'CREATE DATABASE "{name}"')
    log = tmp_path / "server.log"
    try:
        with log.open("w") as stderr, serving({**base_env, "DATABASE_URL": bare, "STATE_API_URL": ""},
                                               stderr=stderr) as (url, _):
            assert Socket(url, token="ik_any").close_code(timeout=10) == 1011
        assert "WebSocket connection of - failed" in log.read_text()
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(statement: str) -> None:
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.mark.parametrize(("depth", "code"), [(100_000, 1009),  # over the 64 KiB message limit: closed as too big
                                             (30_000, 4401)])  # under it: refused as a first message
def test_a_deeply_nested_first_message_closes_cleanly(live_server, depth, code):
    client = Socket(live_server)
    client.ws.send("[" * depth + "]" * depth)
    assert client.close_code(timeout=10) == code


def test_a_deep_message_after_sign_in_is_answered_and_the_socket_stays(live_server, admin_token):
    client = Socket(live_server, token=admin_token)
    client.expect("ready")
    client.ws.send('{"type": "subscribe", "x": ' + "[" * 30_000 + "]" * 30_000 + "}")
    assert "nested deeper" in client.expect("error")["message"]
    client.send({"type": "subscribe", "subscription": "s", "all": True})
    assert client.expect("subscribed")["subscription"] == "s"
    client.close()
