import type { WebSocketLike } from './LiveConnection';

/** A scriptable stand-in for the browser WebSocket: tests play the server's side. */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  protocol = '';
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly sent: Array<Record<string, any>> = [];
  closed?: { code?: number; reason?: string };

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeWebSocket.instances.push(this);
  }

  static latest(): FakeWebSocket {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }

  send(data: string) {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }

  // --- the server's side ---
  open(protocol = 'infrakitchen.v1') {
    this.protocol = protocol;
    this.onopen?.({});
  }

  receive(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  serverClose(code: number, reason = '') {
    this.onclose?.({ code, reason });
  }

  sentOfType(type: string) {
    return this.sent.filter(m => m.type === type);
  }
}
