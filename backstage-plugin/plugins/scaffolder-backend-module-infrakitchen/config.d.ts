export interface Config {
  infrakitchen: {
    /**
     * Root URL of the InfraKitchen service, e.g. http://infrakitchen.internal:7777 (the API is under /api/v1).
     */
    baseUrl: string;
    /**
     * An InfraKitchen service-account token, sent as `Authorization: Bearer <token>`. Without it the actions
     * send a Backstage plugin token issued for `pluginId`, on behalf of the user who runs the template.
     * @visibility secret
     */
    token?: string;
    /**
     * The plugin id the service accepts Backstage plugin tokens for, `infrakitchen` by default.
     */
    pluginId?: string;
  };
}
