"""The frames the socket builds itself are what a WebSocket client reads."""

import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage

from service.events.event_socket import text_frame


def _client_reading(frame: bytes) -> str:
    client, server = WSConnection(ConnectionType.CLIENT), WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="x", target="/api/v1/ws")))
    list(server.events())
    client.receive_data(server.send(AcceptConnection()))
    list(client.events())
    client.receive_data(frame)
    return "".join(e.data for e in client.events() if isinstance(e, TextMessage))


@pytest.mark.parametrize("message", ["x" * n for n in (0, 125, 126, 65535, 65536, 200_000)] + ["é" * 63, "日本"])
def test_a_text_frame_of_any_length_reads_back(message):
    assert _client_reading(text_frame(message)) == message
