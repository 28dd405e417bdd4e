"""The real server (gunicorn, as `infrakitchen serve` runs it) answers in JSON even when it refuses a request
before the app sees it."""

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
