export interface Config {
  infrakitchen?: {
    /**
     * WebSocket URL of the InfraKitchen service, e.g. wss://infrakitchen.example.com/api/v1/ws.
     * Without it the plugin long-polls through the proxy. Add its origin to backend.csp.connect-src.
     * @visibility frontend
     */
    websocketUrl?: string;
    /**
     * Proxy endpoint of the service, `/infrakitchen` by default (proxy.endpoints['/infrakitchen']).
     * @visibility frontend
     */
    proxyPath?: string;
  };
}
