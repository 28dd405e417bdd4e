import type { EventsPage, LiveEvent } from '../api/types';
import { InfraKitchenError } from '../api/InfraKitchenError';
import { LiveConnection, type LiveConnectionOptions } from './LiveConnection';
import type { LiveStatus } from './types';
import { FakeWebSocket } from './FakeWebSocket';

const URL = 'ws://ik.test/api/v1/ws';

function event(id: number, subscription: string, status = 'in_progress'): LiveEvent {
  return {
    type: 'resource.updated',
    id,
    subscription,
    at: '2026-11-28T10:00:00Z',
    resource_id: 'r1',
    run_id: null,
    entity_ref: 'component:default/shop',
    data: { id: 'r1', status },
  };
}

function connection(overrides: Partial<LiveConnectionOptions> = {}) {
  return new LiveConnection({
    websocketUrl: URL,
    getToken: async () => 'tok-1',
    pollEvents: jest.fn(async (): Promise<EventsPage> => new Promise(() => {})),
    isNotFound: e => e instanceof InfraKitchenError && e.statusCode === 404,
    createWebSocket: (url, protocols) => new FakeWebSocket(url, protocols),
    backoffInitialMs: 1000,
    ...overrides,
  });
}

const flush = () => new Promise(resolve => jest.requireActual('timers').setImmediate(resolve));

/** Opens the latest socket, answers ready, and acknowledges every pending subscribe. */
async function handshake(lastId = 0) {
  await flush();
  const ws = FakeWebSocket.latest();
  ws.open();
  ws.receive({ type: 'ready', subject: 'user:default/alice', expires_at: null });
  for (const sub of ws.sentOfType('subscribe')) {
    ws.receive({ type: 'subscribed', subscription: sub.subscription, last_id: lastId });
  }
  return ws;
}

/** The status as a component sees it: `onStatus` tells a new listener the current one at once. */
function statusOf(live: LiveConnection): LiveStatus | undefined {
  let seen: LiveStatus | undefined;
  live.onStatus(status => {
    seen = status;
  })();
  return seen;
}

beforeEach(() => {
  FakeWebSocket.instances = [];
});

describe('LiveConnection over the WebSocket', () => {
  it('offers the token as a subprotocol and subscribes after ready', async () => {
    const live = connection();
    live.subscribe({ entityRef: 'component:default/shop' }, { onEvent: jest.fn(), onResync: jest.fn() });
    const ws = await handshake();
    expect(ws.protocols).toEqual(['infrakitchen.v1', 'tok-1']);
    expect(ws.sentOfType('auth')).toEqual([]);
    expect(ws.sentOfType('subscribe')).toEqual([
      { type: 'subscribe', subscription: 's1', entity_ref: 'component:default/shop' },
    ]);
    expect(statusOf(live)).toBe('live');
    live.close();
  });

  it('sends the token as the first message when the server picked no subprotocol', async () => {
    const live = connection();
    live.subscribe({ all: true }, { onEvent: jest.fn(), onResync: jest.fn() });
    await flush();
    const ws = FakeWebSocket.latest();
    ws.open('');
    expect(ws.sent[0]).toEqual({ type: 'auth', token: 'tok-1' });
    live.close();
  });

  it('delivers events once each and asks for a resync on first subscribe and on reset', async () => {
    const live = connection();
    const onEvent = jest.fn();
    const onResync = jest.fn();
    live.subscribe({ resourceId: 'r1' }, { onEvent, onResync });
    const ws = await handshake(4);
    expect(onResync).toHaveBeenCalledTimes(1);
    ws.receive(event(5, 's1'));
    ws.receive(event(5, 's1'));
    ws.receive(event(3, 's1'));
    ws.receive(event(6, 's1', 'done'));
    expect(onEvent.mock.calls.map(c => c[0].id)).toEqual([5, 6]);
    ws.receive({ type: 'reset', subscription: 's1' });
    expect(onResync).toHaveBeenCalledTimes(2);
    live.close();
  });

  it('resumes after a reconnect with `after` = the last id received, skipping replays', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const live = connection();
      const onEvent = jest.fn();
      live.subscribe({ resourceId: 'r1' }, { onEvent, onResync: jest.fn() });
      const first = await handshake(0);
      first.receive(event(1, 's1'));
      first.receive(event(2, 's1'));
      first.serverClose(1006);
      expect(statusOf(live)).toBe('connecting');
      jest.advanceTimersByTime(1000);
      await flush();
      const second = FakeWebSocket.latest();
      expect(second).not.toBe(first);
      second.open();
      second.receive({ type: 'ready', subject: 'user:default/alice', expires_at: null });
      expect(second.sentOfType('subscribe')).toEqual([
        { type: 'subscribe', subscription: 's1', resource_id: 'r1', after: 2 },
      ]);
      second.receive({ type: 'subscribed', subscription: 's1', last_id: 3 });
      second.receive(event(2, 's1'));
      second.receive(event(3, 's1'));
      expect(onEvent.mock.calls.map(c => c[0].id)).toEqual([1, 2, 3]);
      live.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('pings on the heartbeat and reconnects when no pong comes back', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const live = connection({ heartbeatMs: 20_000, pongTimeoutMs: 5_000 });
      live.subscribe({ all: true }, { onEvent: jest.fn(), onResync: jest.fn() });
      const ws = await handshake();
      jest.advanceTimersByTime(20_000);
      expect(ws.sentOfType('ping')).toHaveLength(1);
      ws.receive({ type: 'pong' });
      jest.advanceTimersByTime(20_000);
      expect(ws.sentOfType('ping')).toHaveLength(2);
      jest.advanceTimersByTime(5_000);
      expect(ws.closed?.code).toBe(4000);
      jest.advanceTimersByTime(1_000);
      await flush();
      expect(FakeWebSocket.instances).toHaveLength(2);
      live.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('renews the token before it expires', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      let token = 'tok-1';
      // No heartbeat in this test: unanswered pings would drop the socket first.
      const live = connection({ getToken: async () => token, heartbeatMs: 24 * 3600 * 1000 });
      live.subscribe({ all: true }, { onEvent: jest.fn(), onResync: jest.fn() });
      await flush();
      const ws = FakeWebSocket.latest();
      ws.open();
      const expiresAt = new Date(Date.now() + 60 * 60 * 1000).toISOString();
      ws.receive({ type: 'ready', subject: 'user:default/alice', expires_at: expiresAt });
      token = 'tok-2';
      jest.advanceTimersByTime(55 * 60 * 1000);
      await flush();
      expect(ws.sentOfType('auth')).toEqual([{ type: 'auth', token: 'tok-2' }]);
      live.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('unsubscribes on the socket and closes it after the last subscriber leaves', async () => {
    const live = connection();
    const stopA = live.subscribe({ resourceId: 'a' }, { onEvent: jest.fn(), onResync: jest.fn() });
    const stopB = live.subscribe({ resourceId: 'b' }, { onEvent: jest.fn(), onResync: jest.fn() });
    const ws = await handshake();
    stopA();
    expect(ws.sentOfType('unsubscribe')).toEqual([{ type: 'unsubscribe', subscription: 's1' }]);
    expect(ws.closed).toBeUndefined();
    stopB();
    expect(ws.closed?.code).toBe(1000);
  });
});

describe('LiveConnection fallbacks', () => {
  it('long-polls /events after the socket fails to connect, resuming from last_id', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const calls: Array<{ after?: number; waitSeconds: number }> = [];
      const pages: EventsPage[] = [
        { events: [], last_id: 7, reset: false },
        { events: [event(8, 's1')], last_id: 8, reset: false },
      ];
      const pollEvents = jest.fn(async (o: { after?: number; waitSeconds: number }) => {
        calls.push({ after: o.after, waitSeconds: o.waitSeconds });
        return pages.shift() ?? new Promise<EventsPage>(() => {});
      });
      const live = connection({ pollEvents, socketFailuresBeforePolling: 2 });
      const onEvent = jest.fn();
      const onResync = jest.fn();
      live.subscribe({ resourceId: 'r1' }, { onEvent, onResync });
      await flush();
      FakeWebSocket.latest().serverClose(1006);
      jest.advanceTimersByTime(1000);
      await flush();
      FakeWebSocket.latest().serverClose(1006);
      await flush();
      await flush();
      expect(statusOf(live)).toBe('polling');
      expect(calls).toEqual([
        { after: undefined, waitSeconds: 0 },
        { after: 7, waitSeconds: 25 },
        { after: 8, waitSeconds: 25 },
      ]);
      expect(onResync).toHaveBeenCalledTimes(1);
      expect(onEvent.mock.calls.map(c => c[0].id)).toEqual([8]);
      live.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('falls back to timed refreshes when the service has no event endpoint', async () => {
    const pollEvents = jest.fn(async () => {
      throw new InfraKitchenError({ statusCode: 404, message: 'no events' });
    });
    const live = connection({ websocketUrl: undefined, pollEvents, intervalMs: 10 });
    const onResync = jest.fn();
    live.subscribe({ entityRef: 'component:default/shop' }, { onEvent: jest.fn(), onResync });
    await new Promise(resolve => setTimeout(resolve, 60));
    expect(statusOf(live)).toBe('interval');
    expect(onResync.mock.calls.length).toBeGreaterThanOrEqual(2);
    live.close();
    const after = onResync.mock.calls.length;
    await new Promise(resolve => setTimeout(resolve, 40));
    expect(onResync.mock.calls.length).toBe(after);
  });

  it('goes back to the socket when it comes up again, stopping the long-poll', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      let aborted = false;
      const pollEvents = jest.fn(
        (o: { signal: AbortSignal }) =>
          new Promise<EventsPage>(() => {
            o.signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      );
      const live = connection({ pollEvents, socketFailuresBeforePolling: 1 });
      live.subscribe({ all: true }, { onEvent: jest.fn(), onResync: jest.fn() });
      await flush();
      FakeWebSocket.latest().serverClose(1006);
      await flush();
      expect(statusOf(live)).toBe('polling');
      jest.advanceTimersByTime(1000);
      await handshake(0);
      expect(statusOf(live)).toBe('live');
      expect(aborted).toBe(true);
      live.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('after a reset, reloads and resumes from the server’s position', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const live = connection();
      const onEvent = jest.fn();
      const onResync = jest.fn();
      live.subscribe({ resourceId: 'r1' }, { onEvent, onResync });
      const first = await handshake(10);
      first.serverClose(1006);
      jest.advanceTimersByTime(1000);
      await flush();
      const second = FakeWebSocket.latest();
      second.open();
      second.receive({ type: 'ready', subject: 'user:default/alice', expires_at: null });
      expect(second.sentOfType('subscribe')[0].after).toBe(10);
      second.receive({ type: 'reset', subscription: 's1', last_id: 50 });
      expect(onResync).toHaveBeenCalledTimes(2);
      second.receive(event(40, 's1'));
      second.receive(event(51, 's1'));
      expect(onEvent.mock.calls.map(c => c[0].id)).toEqual([51]);
      live.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('refreshes views over REST while the long-poll keeps failing, and polls again when it recovers', async () => {
    let failing = 3;
    const pollEvents = jest.fn(async (o: { after?: number; signal: AbortSignal }): Promise<EventsPage> => {
      if (failing > 0) {
        failing -= 1;
        throw new InfraKitchenError({ statusCode: 401, message: 'unauthorized' });
      }
      if (o.after === undefined) return { events: [], last_id: 3, reset: false };
      return new Promise(() => {});
    });
    const statuses: string[] = [];
    const live = connection({
      websocketUrl: undefined,
      pollEvents,
      backoffInitialMs: 5,
      intervalMs: 5,
    });
    live.onStatus(s => statuses.push(s));
    const onResync = jest.fn();
    live.subscribe({ all: true }, { onEvent: jest.fn(), onResync });
    await new Promise(resolve => setTimeout(resolve, 100));
    // Two failures past the first each refresh the view; then the first successful poll resyncs once more.
    expect(onResync).toHaveBeenCalledTimes(3);
    expect(statuses).toEqual(['connecting', 'polling', 'interval', 'polling']);
    live.close();
  });

  it('counts a 4401 close as a failure and fetches a fresh token for the next attempt', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      let issued = 0;
      const getToken = jest.fn(async () => `tok-${++issued}`);
      const live = connection({ getToken, socketFailuresBeforePolling: 5 });
      live.subscribe({ all: true }, { onEvent: jest.fn(), onResync: jest.fn() });
      await flush();
      FakeWebSocket.latest().open();
      FakeWebSocket.latest().serverClose(4401, 'token expired');
      jest.advanceTimersByTime(1000);
      await flush();
      expect(FakeWebSocket.latest().protocols).toEqual(['infrakitchen.v1', 'tok-2']);
      live.close();
    } finally {
      jest.useRealTimers();
    }
  });
});
