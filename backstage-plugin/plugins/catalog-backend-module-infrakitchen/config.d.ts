import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  infrakitchen: {
    /**
     * Root URL of the InfraKitchen service, e.g. http://infrakitchen.internal:7777 (the API is under /api/v1).
     */
    baseUrl: string;
    /**
     * An InfraKitchen service-account token, sent as `Authorization: Bearer <token>`. Without it the module
     * sends a Backstage plugin token issued for `pluginId`.
     * @visibility secret
     */
    token?: string;
    /**
     * The plugin id the service accepts Backstage plugin tokens for (the target of the plugin token),
     * `infrakitchen` by default. Unused when `token` is set.
     */
    pluginId?: string;
    catalog?: {
      /**
       * How often the whole catalog is read again (between full reads, changes arrive within seconds by a
       * long poll). Default: every 5 minutes, timeout 3 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
