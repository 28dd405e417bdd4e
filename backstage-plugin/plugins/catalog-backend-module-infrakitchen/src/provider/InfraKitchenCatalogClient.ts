import { AuthService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

/** One answer of `GET /api/v1/catalog/entities`: a page of a full read, or the changes after an event id. */
export interface CatalogEntitiesPage {
  entities: Entity[];
  /** Entity refs to delete (`resource:default/<name>`); always empty on a full read. */
  removed: string[];
  /** The next page of a full read; null on its last page and on every delta. */
  next_cursor: string | null;
  /** Where deltas continue from (`after`); the same on every page of one full read. */
  last_event_id: number;
  /** On a delta: more changes are waiting, ask again at once. */
  more: boolean;
}

/** The service answered 409 with `reset: true`: the events after `after` were pruned; read everything again. */
export class CatalogResetRequiredError extends Error {
  name = 'CatalogResetRequiredError';
}

/** Any other failure to read the catalog feed: network, timeout, a non-2xx status, or a body of another shape. */
export class CatalogRequestError extends Error {
  name = 'CatalogRequestError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export interface InfraKitchenCatalogClientOptions {
  /** The service root, e.g. http://localhost:7777 (no /api/v1). */
  baseUrl: string;
  /** A service-account token; without it a Backstage plugin token for `pluginId` is sent. */
  token?: string;
  pluginId: string;
  auth: AuthService;
  /** Per-request limit on top of the long poll's own wait. */
  requestTimeoutMs?: number;
}

/** Reads the service's catalog feed. Never puts a token in an error message. */
export class InfraKitchenCatalogClient {
  readonly #baseUrl: string;
  readonly #token?: string;
  readonly #pluginId: string;
  readonly #auth: AuthService;
  readonly #timeoutMs: number;

  constructor(options: InfraKitchenCatalogClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#pluginId = options.pluginId;
    this.#auth = options.auth;
    this.#timeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  /** One page of a full read: the first without `cursor`, then each with the previous page's `next_cursor`. */
  async readPage(options: { cursor?: string; limit: number; signal?: AbortSignal }): Promise<CatalogEntitiesPage> {
    const query = new URLSearchParams({ limit: String(options.limit) });
    if (options.cursor) query.set('cursor', options.cursor);
    return this.#get(query, this.#timeoutMs, options.signal);
  }

  /** The changes after event `after`; the service holds the request up to `waitSeconds` until there is one. */
  async readChanges(options: { after: number; waitSeconds: number; signal?: AbortSignal }): Promise<CatalogEntitiesPage> {
    const query = new URLSearchParams({ after: String(options.after), wait: String(options.waitSeconds) });
    return this.#get(query, options.waitSeconds * 1000 + this.#timeoutMs, options.signal);
  }

  async #authorization(): Promise<string> {
    if (this.#token) return `Bearer ${this.#token}`;
    // Asked for on every request, as AuthService asks: it caches and renews plugin tokens itself.
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: this.#pluginId,
    });
    return `Bearer ${token}`;
  }

  async #get(query: URLSearchParams, timeoutMs: number, signal?: AbortSignal): Promise<CatalogEntitiesPage> {
    const url = `${this.#baseUrl}/api/v1/catalog/entities?${query}`;
    const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: await this.#authorization(), Accept: 'application/json' },
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      if (signal?.aborted) throw error; // our own stop or interruption, not a failure of the service
      throw new CatalogRequestError(`GET ${url} failed: ${describeFetchError(error)}`);
    }
    const body = await readJson(response);
    if (response.status === 409 && isObject(body) && body.reset === true) {
      throw new CatalogResetRequiredError(`GET ${url}: ${messageOf(body) ?? 'reset'}`);
    }
    if (!response.ok) {
      const message = messageOf(body) ?? response.statusText;
      throw new CatalogRequestError(`GET ${url} answered ${response.status}: ${message}`, response.status);
    }
    if (!isPage(body)) {
      throw new CatalogRequestError(`GET ${url} answered a body that is not a catalog page`, response.status);
    }
    return body;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPage(body: unknown): body is CatalogEntitiesPage {
  return (
    isObject(body) &&
    Array.isArray(body.entities) &&
    Array.isArray(body.removed) &&
    (typeof body.next_cursor === 'string' || body.next_cursor === null) &&
    typeof body.last_event_id === 'number' &&
    typeof body.more === 'boolean'
  );
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function messageOf(body: unknown): string | undefined {
  return isObject(body) && typeof body.message === 'string' ? body.message : undefined;
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'timed out';
  // undici puts the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
