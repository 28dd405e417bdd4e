import type { InfraKitchenApi } from './InfraKitchenApi';
import { isInfraKitchenError } from './InfraKitchenError';
import type { InfraKitchenLiveApi } from './InfraKitchenLiveApi';
import type { LiveTopic } from './types';
import { LiveConnection, type WebSocketFactory } from '../live/LiveConnection';
import type { LiveHandlers, LiveStatus } from '../live/types';

export interface InfraKitchenLiveClientOptions {
  /** The REST client: the long-poll fallback reads `GET /events/` through it. */
  infraKitchenApi: Pick<InfraKitchenApi, 'listEvents'>;
  /** `ws(s)://<service>/api/v1/ws` from `infrakitchen.websocketUrl`; unset means long-polling only. */
  websocketUrl?: string;
  /** A fresh user token for the socket (identityApi.getCredentials()). */
  getToken?: () => Promise<string | undefined>;
  createWebSocket?: WebSocketFactory;
}

const browserWebSocket: WebSocketFactory | undefined =
  typeof WebSocket === 'undefined'
    ? undefined
    : (url, protocols) => new WebSocket(url, protocols) as unknown as ReturnType<WebSocketFactory>;

/** The page's one connection to the service's event stream (see LiveConnection for the protocol). */
export class InfraKitchenLiveClient implements InfraKitchenLiveApi {
  private readonly connection: LiveConnection;

  constructor(options: InfraKitchenLiveClientOptions) {
    const { infraKitchenApi } = options;
    this.connection = new LiveConnection({
      websocketUrl: options.websocketUrl,
      getToken: options.getToken ?? (async () => undefined),
      createWebSocket: options.createWebSocket ?? browserWebSocket,
      pollEvents: o => infraKitchenApi.listEvents(o),
      isNotFound: e => isInfraKitchenError(e) && e.statusCode === 404,
    });
  }

  subscribe(topic: LiveTopic, handlers: LiveHandlers): () => void {
    return this.connection.subscribe(topic, handlers);
  }

  liveStatus(listener: (status: LiveStatus) => void): () => void {
    return this.connection.onStatus(listener);
  }
}
