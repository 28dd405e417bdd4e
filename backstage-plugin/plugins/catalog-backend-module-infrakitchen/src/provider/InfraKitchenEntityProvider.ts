import {
  AuthService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { stringifyError } from '@backstage/errors';
import { DeferredEntity, EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  CatalogEntitiesPage,
  CatalogResetRequiredError,
  InfraKitchenCatalogClient,
} from './InfraKitchenCatalogClient';

/** Every 5 minutes a full read, each allowed 3 minutes; changes in between come by the long poll. */
export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
};

export interface InfraKitchenEntityProviderOptions {
  /** The service root, e.g. http://localhost:7777 (the API is under /api/v1). */
  baseUrl: string;
  /** An InfraKitchen service-account token; without it a Backstage plugin token is sent. */
  token?: string;
  /** The target plugin id of the Backstage plugin token (default `infrakitchen`). */
  pluginId?: string;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
  /** When the full read runs (default {@link DEFAULT_SCHEDULE}). */
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** Entities per page of a full read (1..500, default 200). */
  pageSize?: number;
  /** How long one long poll may be held by the service (0..25 s, default 25). */
  waitSeconds?: number;
  /** The pause after a failure doubles from `initialMs` (default 1 s) up to `maxMs` (default 60 s). */
  retry?: { initialMs?: number; maxMs?: number };
}

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

/**
 * Provides every InfraKitchen resource as a `Resource` entity.
 *
 * One loop owns all reads, so mutations never interleave: a full read when asked for (the scheduled task,
 * {@link InfraKitchenEntityProvider.refresh}, or a 409 reset from the service), otherwise a long poll for the
 * changes after the last event id, applied as delta mutations. The loop starts with the first full read and
 * runs until {@link InfraKitchenEntityProvider.stop}. Failures are logged and retried with backoff.
 */
export class InfraKitchenEntityProvider implements EntityProvider {
  readonly #client: InfraKitchenCatalogClient;
  readonly #logger: LoggerService;
  readonly #scheduler: SchedulerService;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  readonly #locationKey: string;
  readonly #pageSize: number;
  readonly #waitSeconds: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #stop = new AbortController();
  #connection?: EntityProviderConnection;
  #loop?: Promise<void>;
  /** Where deltas continue from; undefined until the first full read. */
  #after?: number;
  #fullReadRequested = false;
  /** Who waits for the next full read, and for the one under way. */
  #waiting: Waiter[] = [];
  #reading?: Waiter[];
  /** Cuts a long poll or a backoff pause short when a full read is asked for. */
  #interrupt = new AbortController();

  /** Reads `infrakitchen.*` (see config.d.ts). */
  static fromConfig(
    config: Config,
    deps: { auth: AuthService; logger: LoggerService; scheduler: SchedulerService },
  ): InfraKitchenEntityProvider {
    const scheduleKey = 'infrakitchen.catalog.schedule';
    return new InfraKitchenEntityProvider({
      ...deps,
      baseUrl: config.getString('infrakitchen.baseUrl'),
      token: config.getOptionalString('infrakitchen.token'),
      pluginId: config.getOptionalString('infrakitchen.pluginId'),
      schedule: config.has(scheduleKey)
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig(scheduleKey))
        : undefined,
    });
  }

  constructor(options: InfraKitchenEntityProviderOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#client = new InfraKitchenCatalogClient({
      baseUrl,
      token: options.token,
      pluginId: options.pluginId ?? 'infrakitchen',
      auth: options.auth,
    });
    this.#logger = options.logger.child({ target: this.getProviderName() });
    this.#scheduler = options.scheduler;
    this.#schedule = options.schedule ?? DEFAULT_SCHEDULE;
    this.#locationKey = `${this.getProviderName()}:${baseUrl}`;
    this.#pageSize = options.pageSize ?? 200;
    this.#waitSeconds = options.waitSeconds ?? 25;
    this.#retryInitialMs = options.retry?.initialMs ?? 1000;
    this.#retryMaxMs = options.retry?.maxMs ?? 60_000;
  }

  getProviderName(): string {
    return 'infrakitchen-provider';
  }

  /** The scheduled task's id (`SchedulerService.triggerTask` runs a full read now). */
  getTaskId(): string {
    return `${this.getProviderName()}:refresh`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#scheduler.scheduleTask({
      id: this.getTaskId(),
      ...this.#schedule,
      fn: async signal => {
        await this.refresh(signal);
      },
    });
  }

  /**
   * Reads the whole catalog and applies it as a full mutation; starts the change loop the first time.
   * Resolves once applied, rejects when that read failed (the loop retries it with backoff either way);
   * `signal` (the scheduler's timeout) only stops the waiting.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (!this.#connection) throw new Error(`${this.getProviderName()} is not connected yet`);
    if (this.#stop.signal.aborted) return;
    const applied = new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.#reading) {
        this.#reading.push(waiter); // a full read under way answers this request too
        return;
      }
      this.#waiting.push(waiter);
      this.#fullReadRequested = true;
      this.#interrupt.abort();
    });
    this.#loop ??= this.#run();
    if (!signal) {
      await applied;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#logger.warn('full read still under way when the scheduled task timed out; it goes on in the background');
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      applied.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Ends the loop (an open long poll is aborted) and waits for it; used on the backend's shutdown. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    for (const waiter of [...this.#waiting, ...(this.#reading ?? [])]) waiter.resolve();
    this.#waiting = [];
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stop.signal.aborted) {
      this.#interrupt = new AbortController();
      const signal = AbortSignal.any([this.#stop.signal, this.#interrupt.signal]);
      try {
        if (this.#fullReadRequested) {
          await this.#fullRead();
        } else {
          await this.#readChanges(signal);
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) continue; // stopped, or a full read was asked for mid long poll
        if (error instanceof CatalogResetRequiredError) {
          this.#logger.info(`the service pruned the events after ${this.#after}: reading the catalog in full`);
          this.#fullReadRequested = true;
          continue;
        }
        failures += 1;
        const delayMs = Math.min(this.#retryMaxMs, this.#retryInitialMs * 2 ** (failures - 1));
        this.#logger.warn(
          `reading InfraKitchen failed (${failures} in a row), retrying in ${delayMs / 1000}s: ${stringifyError(error)}`,
        );
        await sleep(delayMs, signal);
      }
    }
  }

  async #fullRead(): Promise<void> {
    this.#fullReadRequested = false;
    const waiters = this.#waiting.splice(0);
    this.#reading = waiters;
    try {
      const entities: Entity[] = [];
      let lastEventId: number | undefined;
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await this.#client.readPage({ cursor, limit: this.#pageSize, signal: this.#stop.signal });
        // The same on every page of one read; the first page's is the read's starting point.
        lastEventId ??= page.last_event_id;
        entities.push(...page.entities);
        cursor = page.next_cursor ?? undefined;
        pages += 1;
      } while (cursor);
      await this.#connection!.applyMutation({ type: 'full', entities: entities.map(e => this.#deferred(e)) });
      this.#after = lastEventId;
      this.#logger.info(`full read: ${entities.length} entities in ${pages} pages; changes from event ${lastEventId}`);
      waiters.forEach(waiter => waiter.resolve());
    } catch (error) {
      this.#fullReadRequested = true; // retried by the loop, after its pause
      if (error instanceof CatalogResetRequiredError) {
        this.#waiting.unshift(...waiters); // a cursor outlived its events: the next read answers them
      } else {
        waiters.forEach(waiter => waiter.reject(error));
      }
      throw error;
    } finally {
      this.#reading = undefined;
    }
  }

  async #readChanges(signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const page: CatalogEntitiesPage = await this.#client.readChanges({
      after: this.#after!,
      waitSeconds: this.#waitSeconds,
      signal,
    });
    const changed = page.entities.length > 0 || page.removed.length > 0;
    if (changed) {
      await this.#connection!.applyMutation({
        type: 'delta',
        added: page.entities.map(e => this.#deferred(e)),
        removed: page.removed.map(entityRef => ({ entityRef, locationKey: this.#locationKey })),
      });
      this.#logger.debug(
        `changes after event ${this.#after}: ${page.entities.length} upserted, ${page.removed.length} removed`,
      );
    }
    // Only once applied: a failed mutation is read (and applied) again.
    this.#after = page.last_event_id;
    // A service that answers at once with nothing (no long poll) must not be polled in a tight loop.
    if (!changed && !page.more && Date.now() - started < 1000) await sleep(1000, signal);
  }

  #deferred(entity: Entity): DeferredEntity {
    return { entity, locationKey: this.#locationKey };
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
