"""One WebSocket connection: authenticate, then subscribe to topics and receive their events, resumable.

Events are written by the hub's thread straight to the socket when the socket takes them without blocking:
waking a thousand connection threads for one event costs far more than a thousand non-blocking writes (see
bench/live_updates.py). Whatever would block (a slow client, a write in progress) goes to the connection's
outbox instead, and its own thread sends it, so a slow client only ever holds up itself. The connection thread
sleeps on the socket's event, which simple-websocket sets when a message arrives and the hub sets when it
queues one.
"""

import json
import logging
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

from simple_websocket import ConnectionClosed

from service import db, json_input
from service.auth.principal import Principal
from service.errors import DATABASE_UNAVAILABLE, DomainError, Unauthenticated
from service.events import event_service
from service.events.event_hub import EventHub, Subscription, Topic, Viewer

log = logging.getLogger(__name__)
SUBPROTOCOL = "infrakitchen.v1"
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY_VIOLATION = 1008
CLOSE_INTERNAL_ERROR = 1011
CLOSE_TRY_AGAIN_LATER = 1013
PING_FRAME = bytes((0x89, 0))  # FIN + ping, no payload
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
REAUTHENTICATE_SECONDS = 60  # revoked tokens end their connections within this
MAX_SUBSCRIPTIONS = 100
BACKFILL_BATCH = 500
TOPICS = ("resource_id", "entity_ref", "run_id", "all")


class ProtocolError(Exception):
    """A bad client message: answered with an error message; the connection stays open."""


class SocketSession(Viewer):
    def __init__(self, ws, hub: EventHub, authenticate: Callable[[str], Principal], auth_timeout: float,
                 ping_seconds: float):
        self.ws = ws
        self.hub = hub
        self._authenticate = authenticate
        self._auth_timeout = auth_timeout
        self._ping_seconds = ping_seconds
        self._next_ping = time.monotonic() + ping_seconds
        self._outbox: deque[str] = deque()
        self._send_lock = threading.Lock()  # one writer of data frames at a time
        self._unsent = b""  # the tail of a frame the socket did not take at once (under _send_lock)
        self._subscriptions: dict[str, Subscription] = {}
        self.principal: Principal | None = None
        self._token = ""
        self._checked_at = 0.0

    # --- called by the hub's thread ---------------------------------------------------------------------

    def deliver(self, message: str) -> None:
        if not self._outbox and self.ws.connected and self._send_lock.acquire(blocking=False):
            try:
                if not self._unsent and not self._outbox:  # nothing may overtake what is already waiting
                    self._unsent = self._write_nowait(message)
                    if not self._unsent:
                        return
                    message = None
            finally:
                self._send_lock.release()
        if message is not None:
            self._outbox.append(message)
        self.ws.event.set()

    def _write_nowait(self, message: str) -> bytes:
        """Write what the socket takes without blocking; returns the rest."""
        frame = text_frame(message)
        try:
            return frame[self.ws.sock.send(frame, socket.MSG_DONTWAIT):]
        except BlockingIOError:
            return frame
        except OSError:  # the client is gone; its reader thread ends the connection
            return b""

    # --- the connection's thread ------------------------------------------------------------------------

    def run(self, offered_token: str | None) -> None:
        try:
            if not self._sign_in(offered_token):
                return
            self.hub.attach(self)
            while self.ws.connected:
                if self.hub.stopped:
                    self._close(CLOSE_GOING_AWAY, "server shutting down: reconnect")
                    return
                if not self._still_valid() or not self._keep_alive():
                    return
                self.ws.event.clear()
                self._flush()
                while (raw := self.ws.receive(timeout=0)) is not None:
                    self._answer(raw)
                if not self._outbox:  # something queued while reading is sent before sleeping
                    self.ws.event.wait(self._seconds_to_next_check())
        except ConnectionClosed:
            pass
        except DATABASE_UNAVAILABLE as error:  # an outage, not a bug: no stack trace, and the client waits a little
            log.warning("WebSocket connection of %s closed: the database is unavailable (%s)",
                        self.principal.subject if self.principal else "-", type(error).__name__)
            self._close(CLOSE_TRY_AGAIN_LATER, "the database is unavailable: reconnect shortly")
        except Exception:
            # After the upgrade an HTTP error page would reach the client as a broken frame: close properly.
            log.exception("WebSocket connection of %s failed", self.principal.subject if self.principal else "-")
            self._close(CLOSE_INTERNAL_ERROR, "internal error: reconnect")
        finally:
            self.hub.detach(self)
            for subscription in self._subscriptions.values():
                self.hub.unsubscribe(subscription)
            db.session.remove()

    def _sign_in(self, offered_token: str | None) -> bool:
        if offered_token is None:
            raw = self.ws.receive(timeout=self._auth_timeout)
            if raw is None:
                return self._close(CLOSE_UNAUTHENTICATED, "authentication timeout: send {type: auth, token}")
            try:
                message = _parse(raw)
            except ProtocolError as error:
                return self._close(CLOSE_UNAUTHENTICATED, str(error))
            if message.get("type") != "auth" or not isinstance(message.get("token"), str):
                return self._close(CLOSE_UNAUTHENTICATED, "the first message must be {type: auth, token}")
            offered_token = message["token"]
        try:
            self._use_token(offered_token)
        except DomainError as error:
            return self._close(CLOSE_UNAUTHENTICATED if isinstance(error, Unauthenticated) else CLOSE_FORBIDDEN,
                               error.message)
        return True

    def _use_token(self, token: str) -> None:
        principal = self._authenticate(token)
        principal.require("read")
        if self.principal is not None and principal.subject != self.principal.subject:
            raise Unauthenticated("a connection belongs to one subject; open another for a different one")
        self.principal, self._token, self._checked_at = principal, token, time.monotonic()
        self._send({"type": "ready", "subject": principal.subject, "expires_at": _iso(principal.expires_at)})

    def _keep_alive(self) -> bool:
        """Ping every `ping_seconds` (proxies keep the socket); a peer that did not answer the last one is gone.
        Sent here rather than by simple-websocket's reader thread, so that no frame ever interleaves with ours."""
        if time.monotonic() < self._next_ping:
            return True
        if not self.ws.pong_received:
            return self._close(CLOSE_POLICY_VIOLATION, "ping timeout")
        self.ws.pong_received = False
        self._next_ping = time.monotonic() + self._ping_seconds
        self._flush(frame=PING_FRAME)
        return True

    def _seconds_to_next_check(self) -> float:
        # Sleeping until there is something to do: a thousand idle sockets must not mean a thousand wakeups a
        # second (the hub wakes them on shutdown).
        due = min(self._checked_at + REAUTHENTICATE_SECONDS, self._next_ping) - time.monotonic()
        if self.principal.expires_at is not None:
            due = min(due, (self.principal.expires_at - db.utcnow()).total_seconds())
        return max(due, 0.01)

    def wake(self) -> None:
        self.ws.event.set()

    def _still_valid(self) -> bool:
        expires_at = self.principal.expires_at
        if expires_at is not None and expires_at <= db.utcnow():
            return self._close(CLOSE_UNAUTHENTICATED, "token expired: reconnect with a fresh one")
        if time.monotonic() - self._checked_at >= REAUTHENTICATE_SECONDS:
            try:  # a revoked service-account token, a user whose role changed: the connection follows
                self.principal, self._checked_at = self._authenticate(self._token), time.monotonic()
                self.principal.require("read")
            except DomainError as error:
                return self._close(CLOSE_UNAUTHENTICATED, error.message)
        return True

    def _answer(self, raw) -> None:
        message = {}
        try:
            message = _parse(raw)
            kind = message.get("type")
            if kind == "subscribe":
                self._subscribe(message)
            elif kind == "unsubscribe":
                subscription = self._subscriptions.pop(str(message.get("subscription")), None)
                if subscription is not None:
                    self.hub.unsubscribe(subscription)
                self._send({"type": "unsubscribed", "subscription": message.get("subscription")})
            elif kind == "ping":
                self._send({"type": "pong"})
            elif kind == "auth":
                self._use_token(str(message.get("token", "")))
            else:
                raise ProtocolError(f"unknown message type {kind!r}: expected subscribe, unsubscribe, ping or auth")
        except ProtocolError as error:
            self._send({"type": "error", "message": str(error)})
        except DomainError as error:
            if isinstance(error, Unauthenticated):
                self._close(CLOSE_UNAUTHENTICATED, error.message)
                raise ConnectionClosed(CLOSE_UNAUTHENTICATED, error.message) from None
            self._send({"type": "error", "message": error.message, "subscription": message.get("subscription")})

    def _subscribe(self, message: dict) -> None:
        name = message.get("subscription", f"s{len(self._subscriptions) + 1}")
        if not isinstance(name, str) or not 0 < len(name) <= 100:
            raise ProtocolError("subscription: a name of 1 to 100 characters")
        topic = _topic_of(message)
        after = message.get("after")
        if after is not None and (isinstance(after, bool) or not isinstance(after, int) or after < 0):
            raise ProtocolError("after: an event id (a whole number, 0 or more)")
        if name not in self._subscriptions and len(self._subscriptions) >= MAX_SUBSCRIPTIONS:
            raise ProtocolError(f"at most {MAX_SUBSCRIPTIONS} subscriptions per connection")
        event_service.check_topic(self.principal, topic)
        if name in self._subscriptions:
            self.hub.unsubscribe(self._subscriptions.pop(name))
        # Register first, then send the history up to the hub's position: live events come after it, so
        # nothing falls between the two and nothing comes twice (after OTF's log tailer).
        subscription = Subscription(name, topic, self, skip_through=after or 0)
        position = self.hub.subscribe(subscription)
        self._subscriptions[name] = subscription
        if after is not None and after < position and self._send_history(subscription, after, position):
            return
        self._send({"type": "subscribed", "subscription": name, "last_id": max(position, after or 0)})

    def _send_history(self, subscription: Subscription, after: int, position: int) -> bool:
        """Send the events in (after, position]; True when some were pruned and a reset was sent instead."""
        while after < position:
            events, scanned_to, pruned = event_service.read_events(self.principal, subscription.topic, after,
                                                                   BACKFILL_BATCH)
            if pruned:
                self._send({"type": "reset", "subscription": subscription.name, "last_id": position,
                            "message": "events after the given id were pruned: reload, then resume from last_id"})
                return True
            for event in events:
                if event.id <= position:
                    self._send({"subscription": subscription.name, **event.as_message()})
            if scanned_to == after:  # nothing more of this topic
                break
            after = scanned_to
        return False

    def _send(self, message: dict) -> None:
        self._flush(json.dumps(message))

    def _flush(self, message: str | None = None, frame: bytes | None = None) -> None:
        """Send (blocking) what waits, in order, then `message` or `frame`."""
        with self._send_lock:
            if not self.ws.connected:
                raise ConnectionClosed(self.ws.close_reason, self.ws.close_message)
            if self._unsent:
                self.ws.sock.sendall(self._unsent)
                self._unsent = b""
            while self._outbox:
                self.ws.sock.sendall(text_frame(self._outbox.popleft()))
            if message is not None:
                self.ws.sock.sendall(text_frame(message))
            if frame is not None:
                self.ws.sock.sendall(frame)

    def _close(self, code: int, reason: str) -> bool:
        with self._send_lock:  # after any frame the hub is writing
            try:
                self.ws.close(reason=code, message=reason[:120])
            except ConnectionClosed:
                pass
        return False


@lru_cache(maxsize=256)
def text_frame(message: str) -> bytes:
    """A whole, unmasked, uncompressed text frame (RFC 6455 5.2). Built here rather than by wsproto so that one
    event going to a thousand sockets is encoded once: the hub hands them all the same string."""
    payload = message.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


def _parse(raw) -> dict:
    try:
        message = json_input.loads(raw)
    except json_input.TooDeep as error:
        raise ProtocolError(str(error)) from None
    except (TypeError, ValueError):
        raise ProtocolError("messages are JSON objects") from None
    if not isinstance(message, dict):
        raise ProtocolError("messages are JSON objects")
    return message


def _topic_of(message: dict) -> Topic:
    given = [name for name in TOPICS if message.get(name) not in (None, False)]
    if len(given) != 1:
        raise ProtocolError("subscribe to exactly one of resource_id, entity_ref, run_id or all: true")
    kind = given[0]
    if kind == "all":
        return Topic("all")
    value = message[kind]
    if not isinstance(value, str) or not 0 < len(value) <= 300:
        raise ProtocolError(f"{kind}: a string")
    if kind in ("resource_id", "run_id"):
        try:
            value = str(uuid.UUID(value))
        except ValueError:
            raise ProtocolError(f"{kind}: not a UUID") from None
    return Topic(kind, value)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
