import { AuthService, BackstageCredentials } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { JsonObject, JsonValue } from '@backstage/types';

export interface InfraKitchenActionOptions {
  /** The service root, e.g. http://localhost:7777 (the API is under /api/v1). */
  baseUrl: string;
  /** A service-account token; without it a Backstage plugin token is sent on behalf of the initiator. */
  token?: string;
  /** The target plugin id of the plugin token (default `infrakitchen`). */
  pluginId?: string;
  auth: AuthService;
  /** How long to wait between two looks at a run (default 2000 ms; tests make it short). */
  pollIntervalMs?: number;
}

/** The options of the actions from `infrakitchen.*` (see config.d.ts). */
export function readInfraKitchenActionOptions(config: Config, auth: AuthService): InfraKitchenActionOptions {
  return {
    baseUrl: config.getString('infrakitchen.baseUrl'),
    token: config.getOptionalString('infrakitchen.token'),
    pluginId: config.getOptionalString('infrakitchen.pluginId'),
    auth,
  };
}

/** What an action's context gives the client: who runs the template, and the task's abort signal. */
export interface CallerContext {
  getInitiatorCredentials(): Promise<BackstageCredentials>;
  signal?: AbortSignal;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: JsonValue;
  /** Statuses the caller handles itself besides 2xx (e.g. 409 on a create); the others become errors. */
  accept?: number[];
  /** What was asked for, in a 404's message: "resource 1234" gives "InfraKitchen has no resource 1234 you may see". */
  what?: string;
}

export interface CallResult {
  status: number;
  body: unknown;
  headers: Headers;
}

/** An answer the client does not handle: its status, so callers may tell a passing 503 from a refusal. */
export class InfraKitchenResponseError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'InfraKitchenResponseError';
  }
}

/**
 * The InfraKitchen API as one action run sees it: every call carries the same credentials (the service
 * account's token, or a plugin token on behalf of the user who runs the template) and the task's signal.
 * The token is only ever put in the Authorization header, never in a message.
 */
export class InfraKitchenClient {
  static async forContext(options: InfraKitchenActionOptions, ctx: CallerContext): Promise<InfraKitchenClient> {
    return new InfraKitchenClient(options, await authorizationFor(options, await ctx.getInitiatorCredentials()), ctx.signal);
  }

  readonly baseUrl: string;

  private constructor(
    options: InfraKitchenActionOptions,
    private readonly authorization: string,
    private readonly signal?: AbortSignal,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** The API URL of a path under /api/v1 (`/resources/1234` → `<baseUrl>/api/v1/resources/1234`). */
  url(path: string): string {
    return `${this.baseUrl}/api/v1${path}`;
  }

  resourceUrl(resourceId: string): string {
    return this.url(`/resources/${encodeURIComponent(resourceId)}`);
  }

  async get(path: string, options: CallOptions = {}): Promise<CallResult> {
    return this.call('GET', path, options);
  }

  async post(path: string, options: CallOptions = {}): Promise<CallResult> {
    return this.call('POST', path, options);
  }

  /** A JSON object from GET (NotFoundError and the others as in `call`). */
  async getObject(path: string, what?: string): Promise<Record<string, unknown>> {
    const { body } = await this.get(path, { what });
    if (!isRecord(body)) throw new Error(`GET ${this.url(path)} answered no JSON object`);
    return body;
  }

  /** Every item of a paginated list (page_size 100, following X-Pagination's next_page). */
  async list(path: string, query: Record<string, string | undefined>): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    for (let page: number | undefined = 1; page !== undefined; ) {
      const { body, headers } = await this.get(path, { query: { ...query, page, page_size: 100 } });
      if (!Array.isArray(body)) throw new Error(`GET ${this.url(path)} answered no JSON list`);
      items.push(...body.filter(isRecord));
      page = nextPage(headers.get('x-pagination'));
    }
    return items;
  }

  /**
   * One request. 2xx and the `accept`ed statuses are returned; otherwise 401/403 → NotAllowedError, 404 →
   * NotFoundError, 409 → ConflictError, 422 → InputError with the service's message per field, anything else
   * → InfraKitchenResponseError with the status and the service's message.
   */
  async call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    const url = new URL(this.url(path));
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: this.authorization,
        Accept: 'application/json',
        ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: this.signal,
    });
    const body = await response.json().catch(() => undefined);
    const result = { status: response.status, body, headers: response.headers };
    if (response.ok || options.accept?.includes(response.status)) return result;
    throw errorFor(method, `${url.origin}${url.pathname}`, response, body, options.what);
  }
}

function errorFor(method: string, url: string, response: Response, body: unknown, what?: string): Error {
  const message = messageOf(body, response);
  switch (response.status) {
    case 401:
    case 403:
      return new NotAllowedError(`InfraKitchen refused ${method} ${url}: ${message}`);
    case 404:
      return new NotFoundError(what ? `InfraKitchen has no ${what} you may see` : `${method} ${url} answered 404: ${message}`);
    case 409:
      return new ConflictError(`${method} ${url} answered 409: ${message}`);
    case 422: {
      const fields = fieldMessages(isRecord(body) ? body.errors : undefined);
      return new InputError(`InfraKitchen refused ${method} ${url}: ${message}${fields.length ? ` (${fields.join('; ')})` : ''}`);
    }
    default:
      return new InfraKitchenResponseError(`${method} ${url} answered ${response.status}: ${message}`, response.status);
  }
}

/**
 * flask-smorest's `errors` as "field: message" lines: `{"variables": {"size": ["must be between 1 and 100"]}}`
 * gives "variables.size: must be between 1 and 100"; webargs' own location level (`json`) is left out.
 */
export function fieldMessages(errors: unknown, path: string[] = []): string[] {
  if (typeof errors === 'string') return [path.length ? `${path.join('.')}: ${errors}` : errors];
  if (Array.isArray(errors)) return errors.flatMap(error => fieldMessages(error, path));
  if (!isRecord(errors)) return [];
  return Object.entries(errors).flatMap(([key, value]) =>
    fieldMessages(value, path.length === 0 && key === 'json' ? path : [...path, key]),
  );
}

async function authorizationFor(options: InfraKitchenActionOptions, initiator: BackstageCredentials) {
  if (options.token) return `Bearer ${options.token}`;
  const { token } = await options.auth.getPluginRequestToken({
    onBehalfOf: initiator,
    targetPluginId: options.pluginId ?? 'infrakitchen',
  });
  return `Bearer ${token}`;
}

function nextPage(header: string | null): number | undefined {
  if (!header) return undefined;
  try {
    const pagination: unknown = JSON.parse(header);
    return isRecord(pagination) && typeof pagination.next_page === 'number' ? pagination.next_page : undefined;
  } catch {
    return undefined;
  }
}

/** `Resource.outputs` is `{name: {value, sensitive}}` (null before the first apply): the values of the others. */
export function publicOutputs(outputs: unknown): JsonObject {
  if (!isRecord(outputs)) return {};
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([, output]) => isRecord(output) && output.sensitive === false)
      .map(([name, output]) => [name, (output as { value?: JsonValue }).value ?? null]),
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function messageOf(body: unknown, response: Response): string {
  return isRecord(body) && typeof body.message === 'string' ? body.message : response.statusText;
}
