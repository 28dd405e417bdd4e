import type { EventsPage, LiveEvent, LiveTopic } from '../api/types';
import type { LiveHandlers, LiveStatus } from './types';

/** The part of the browser's WebSocket this class uses (so tests can pass a fake). */
export interface WebSocketLike {
  readonly protocol: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

export interface LiveConnectionOptions {
  /** `ws(s)://<service>/api/v1/ws`; without it the connection long-polls from the start. */
  websocketUrl?: string;
  /** A current user token (Backstage: identityApi.getCredentials()). */
  getToken(): Promise<string | undefined>;
  /** `GET /events` through the REST client. */
  pollEvents(options: {
    topic: LiveTopic;
    after?: number;
    waitSeconds: number;
    signal: AbortSignal;
  }): Promise<EventsPage>;
  /** Whether a pollEvents error means the service has no event endpoint at all. */
  isNotFound(error: unknown): boolean;
  createWebSocket?: WebSocketFactory;
  heartbeatMs?: number;
  pongTimeoutMs?: number;
  readyTimeoutMs?: number;
  /** Consecutive failed socket attempts before long-polling takes over (the socket keeps retrying). */
  socketFailuresBeforePolling?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  longPollWaitSeconds?: number;
  /** Refresh period when the service has neither socket nor event endpoint. */
  intervalMs?: number;
}

interface Subscription {
  id: string;
  topic: LiveTopic;
  handlers: LiveHandlers;
  /** The last event id delivered; `after` when resuming. Undefined until the first subscribe answers. */
  lastId?: number;
  poller?: AbortController;
}

export const SUBPROTOCOL = 'infrakitchen.v1';
const RENEW_MARGIN_MS = 5 * 60 * 1000;
const MIN_RENEW_DELAY_MS = 30 * 1000;

function topicFields(topic: LiveTopic): Record<string, unknown> {
  if ('resourceId' in topic) return { resource_id: topic.resourceId };
  if ('entityRef' in topic) return { entity_ref: topic.entityRef };
  if ('runId' in topic) return { run_id: topic.runId };
  return { all: true };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * One connection to the service's event stream shared by every view of the page.
 *
 * Each subscription remembers the last event id it delivered, so after a reconnect it re-subscribes with
 * `after` and the server replays exactly what was missed; ids at or below it are dropped, so no event is
 * applied twice even if the server or the long-poll fallback overlaps.
 */
export class LiveConnection {
  private readonly options: Required<
    Omit<LiveConnectionOptions, 'websocketUrl' | 'createWebSocket'>
  > &
    Pick<LiveConnectionOptions, 'websocketUrl' | 'createWebSocket'>;
  private readonly subs = new Map<string, Subscription>();
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  private status: LiveStatus = 'connecting';
  private socket?: WebSocketLike;
  private ready = false;
  private failures = 0;
  private nextSubId = 1;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private heartbeat?: ReturnType<typeof setInterval>;
  private pongTimer?: ReturnType<typeof setTimeout>;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private intervalTopics = 0;

  constructor(options: LiveConnectionOptions) {
    this.options = {
      heartbeatMs: 20_000,
      pongTimeoutMs: 10_000,
      readyTimeoutMs: 15_000,
      socketFailuresBeforePolling: 2,
      backoffInitialMs: 1_000,
      backoffMaxMs: 30_000,
      longPollWaitSeconds: 25,
      intervalMs: 5_000,
      ...options,
    };
  }

  subscribe(topic: LiveTopic, handlers: LiveHandlers): () => void {
    const sub: Subscription = { id: `s${this.nextSubId++}`, topic, handlers };
    this.subs.set(sub.id, sub);
    if (this.ready) {
      this.sendSubscribe(sub);
    } else if (this.pollingActive()) {
      this.startPolling(sub);
    } else if (!this.socket && !this.reconnectTimer) {
      this.start();
    }
    return () => this.unsubscribe(sub.id);
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  /** Closes the socket and stops every poller. */
  close(): void {
    for (const sub of this.subs.values()) sub.poller?.abort();
    this.subs.clear();
    this.teardownSocket();
    this.clearReconnect();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private unsubscribe(id: string) {
    const sub = this.subs.get(id);
    if (!sub) return;
    this.subs.delete(id);
    sub.poller?.abort();
    if (this.ready) this.send({ type: 'unsubscribe', subscription: id });
    if (this.subs.size === 0) {
      this.teardownSocket();
      this.clearReconnect();
      this.failures = 0;
      this.setStatus('connecting');
    }
  }

  private start() {
    if (!this.options.websocketUrl || !this.options.createWebSocket) {
      for (const sub of this.subs.values()) this.startPolling(sub);
      return;
    }
    void this.connect();
  }

  private pollingActive(): boolean {
    return (
      !this.options.websocketUrl ||
      !this.options.createWebSocket ||
      this.failures >= this.options.socketFailuresBeforePolling
    );
  }

  private async connect() {
    const { websocketUrl, createWebSocket } = this.options;
    if (!websocketUrl || !createWebSocket || this.subs.size === 0) return;
    let token: string | undefined;
    try {
      token = await this.options.getToken();
    } catch {
      token = undefined;
    }
    if (this.subs.size === 0) return;
    let socket: WebSocketLike;
    try {
      // The token travels as the second offered subprotocol; the server selects only `infrakitchen.v1`.
      socket = createWebSocket(websocketUrl, token ? [SUBPROTOCOL, token] : [SUBPROTOCOL]);
    } catch {
      this.onSocketClosed(1006);
      return;
    }
    this.socket = socket;
    const readyTimer = this.later(() => {
      if (this.socket === socket && !this.ready) this.dropSocket(socket, 4000, 'no ready');
    }, this.options.readyTimeoutMs);
    socket.onopen = () => {
      // A server that ignored the subprotocol offer still accepts the token as the first message.
      if (token && socket.protocol !== SUBPROTOCOL) {
        socket.send(JSON.stringify({ type: 'auth', token }));
      }
    };
    socket.onmessage = ev => {
      if (this.socket !== socket) return;
      let message: Record<string, any>;
      try {
        message = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (message.type === 'ready') {
        clearTimeout(readyTimer);
        this.timers.delete(readyTimer);
      }
      this.onMessage(message);
    };
    socket.onerror = () => {};
    socket.onclose = ev => {
      if (this.socket !== socket) return;
      clearTimeout(readyTimer);
      this.timers.delete(readyTimer);
      this.socket = undefined;
      this.onSocketClosed(ev.code);
    };
  }

  private onMessage(message: Record<string, any>) {
    switch (message.type) {
      case 'ready': {
        const wasReady = this.ready;
        this.ready = true;
        this.failures = 0;
        this.scheduleRenewal(message.expires_at);
        if (wasReady) return; // the answer to a token renewal
        this.startHeartbeat();
        this.setStatus('live');
        for (const sub of this.subs.values()) {
          sub.poller?.abort();
          sub.poller = undefined;
          this.sendSubscribe(sub);
        }
        return;
      }
      case 'subscribed': {
        const sub = this.subs.get(message.subscription);
        if (!sub) return;
        if (sub.lastId === undefined) {
          // First subscription: anything between the view's REST load and now is only in REST.
          sub.lastId = message.last_id;
          sub.handlers.onResync();
        }
        return;
      }
      case 'reset': {
        // Events after our position were pruned: reload over REST, then go on from the server's position.
        const sub = this.subs.get(message.subscription);
        if (!sub) return;
        if (typeof message.last_id === 'number') sub.lastId = message.last_id;
        sub.handlers.onResync();
        return;
      }
      case 'pong': {
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = undefined;
        return;
      }
      case 'error':
        // eslint-disable-next-line no-console
        console.warn(`InfraKitchen live stream: ${message.message}`);
        return;
      default:
        if (typeof message.id === 'number' && typeof message.subscription === 'string') {
          const sub = this.subs.get(message.subscription);
          if (sub) this.deliver(sub, message as LiveEvent);
        }
    }
  }

  private deliver(sub: Subscription, event: LiveEvent) {
    if (sub.lastId !== undefined && event.id <= sub.lastId) return;
    sub.lastId = event.id;
    sub.handlers.onEvent(event);
  }

  private sendSubscribe(sub: Subscription) {
    this.send({
      type: 'subscribe',
      subscription: sub.id,
      ...topicFields(sub.topic),
      ...(sub.lastId !== undefined ? { after: sub.lastId } : {}),
    });
  }

  private send(message: Record<string, unknown>) {
    try {
      this.socket?.send(JSON.stringify(message));
    } catch {
      // a closing socket; onclose takes over
    }
  }

  private startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      const socket = this.socket;
      if (!socket || this.pongTimer) return;
      this.send({ type: 'ping' });
      this.pongTimer = setTimeout(() => {
        this.pongTimer = undefined;
        // No pong: the connection is dead even if the browser has not noticed yet.
        if (this.socket === socket) this.dropSocket(socket, 4000, 'heartbeat timeout');
      }, this.options.pongTimeoutMs);
    }, this.options.heartbeatMs);
  }

  private stopHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.heartbeat = undefined;
    this.pongTimer = undefined;
  }

  private scheduleRenewal(expiresAt: string | null | undefined) {
    if (!expiresAt) return;
    const socket = this.socket;
    const delay = Math.max(
      MIN_RENEW_DELAY_MS,
      Date.parse(expiresAt) - Date.now() - RENEW_MARGIN_MS,
    );
    this.later(async () => {
      if (this.socket !== socket || !this.ready) return;
      const token = await this.options.getToken().catch(() => undefined);
      if (token && this.socket === socket) this.send({ type: 'auth', token });
    }, delay);
  }

  private dropSocket(socket: WebSocketLike, code: number, reason: string) {
    socket.onclose = null;
    socket.onmessage = null;
    try {
      socket.close(code, reason);
    } catch {
      // already closed
    }
    if (this.socket === socket) {
      this.socket = undefined;
      this.onSocketClosed(code);
    }
  }

  private onSocketClosed(code: number) {
    const wasReady = this.ready;
    this.ready = false;
    this.stopHeartbeat();
    if (this.subs.size === 0) return;
    if (!wasReady || code === 4401) this.failures += 1;
    if (this.pollingActive()) {
      for (const sub of this.subs.values()) if (!sub.poller) this.startPolling(sub);
    } else {
      this.setStatus('connecting');
    }
    const delay = Math.min(
      this.options.backoffMaxMs,
      this.options.backoffInitialMs * 2 ** Math.max(0, this.failures - 1),
    );
    this.clearReconnect();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private teardownSocket() {
    const socket = this.socket;
    this.ready = false;
    this.stopHeartbeat();
    if (socket) {
      this.socket = undefined;
      socket.onclose = null;
      socket.onmessage = null;
      try {
        socket.close(1000, 'done');
      } catch {
        // already closed
      }
    }
  }

  private clearReconnect() {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private startPolling(sub: Subscription) {
    const controller = new AbortController();
    sub.poller = controller;
    if (this.status !== 'interval') this.setStatus('polling');
    void this.pollLoop(sub, controller.signal);
  }

  private async pollLoop(sub: Subscription, signal: AbortSignal) {
    let errors = 0;
    while (!signal.aborted) {
      try {
        const first = sub.lastId === undefined;
        const page = await this.options.pollEvents({
          topic: sub.topic,
          after: sub.lastId,
          waitSeconds: first ? 0 : this.options.longPollWaitSeconds,
          signal,
        });
        if (signal.aborted) return;
        errors = 0;
        if (this.status === 'interval' && this.intervalTopics === 0) this.setStatus('polling');
        if (first) {
          // Only a position to resume from: the view's REST load is the starting state.
          sub.lastId = page.last_id;
          sub.handlers.onResync();
          continue;
        }
        if (page.reset) sub.handlers.onResync();
        for (const event of page.events) this.deliver(sub, event);
        sub.lastId = Math.max(sub.lastId ?? 0, page.last_id);
      } catch (error) {
        if (signal.aborted) return;
        if (this.options.isNotFound(error)) {
          await this.intervalLoop(sub, signal);
          return;
        }
        errors += 1;
        if (errors >= 2) {
          // The event stream keeps failing (e.g. 401, 5xx): views refresh over REST meanwhile.
          this.setStatus('interval');
          sub.handlers.onResync();
        }
        await sleep(
          Math.min(
            this.options.intervalMs,
            this.options.backoffMaxMs,
            this.options.backoffInitialMs * 2 ** (errors - 1),
          ),
          signal,
        );
      }
    }
  }

  private async intervalLoop(sub: Subscription, signal: AbortSignal) {
    this.intervalTopics += 1;
    this.setStatus('interval');
    while (!signal.aborted) {
      await sleep(this.options.intervalMs, signal);
      if (!signal.aborted) sub.handlers.onResync();
    }
    this.intervalTopics -= 1;
    if (this.intervalTopics === 0 && this.status === 'interval' && !this.ready) {
      this.setStatus(this.subs.size ? 'polling' : 'connecting');
    }
  }

  private later(fn: () => void, ms: number) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private setStatus(status: LiveStatus) {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
