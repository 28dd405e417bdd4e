"""The real server (gunicorn, as `infrakitchen serve` runs it) answers in JSON even when it refuses a request
before the app sees it, and keeps an idle connection open for as long as its clients reuse one."""

import http.client
import time
from urllib.parse import urlsplit

import requests


def test_a_request_line_over_the_limit_is_a_json_414(live_server):
    # gunicorn's limit is 8190 bytes for the request line ("GET <path>?<query> HTTP/1.1").
    response = requests.get(f"{live_server}/templates/", params={"name": "x" * 9000}, timeout=10)

    assert response.status_code == 414
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "code": 414, "status": "Request-URI Too Long",
        "message": "the request line (method, path and query string) is longer than 8190 bytes",
    }


def test_a_request_line_over_gunicorns_default_limit_reaches_the_app(live_server):
    # 4094 bytes is gunicorn's default; the app now sees such a request (here: it asks for a token).
    response = requests.get(f"{live_server}/templates/", params={"name": "x" * 6000}, timeout=10)

    assert response.status_code == 401
    assert response.json()["code"] == 401


def test_a_connection_idle_for_longer_than_gunicorns_default_keepalive_still_answers(live_server):
    # gunicorn closes a connection idle for 2 s by default; a client that sends on it as it closes loses a request.
    url = urlsplit(live_server)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request("GET", f"{url.path}/health")
        assert connection.getresponse().read() and connection.sock is not None
        local_port = connection.sock.getsockname()[1]
        time.sleep(3)
        connection.request("GET", f"{url.path}/health")
        assert connection.getresponse().status == 200
        assert connection.sock.getsockname()[1] == local_port  # the same connection, not a new one
    finally:
        connection.close()
