import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { InfraKitchenClient, InfraKitchenResponseError, isRecord } from './infraKitchenClient';

export const DEFAULT_TIMEOUT_MINUTES = 30;
export const DEFAULT_POLL_INTERVAL_MS = 2000;
/** Log lines asked for at once. */
const LOG_PAGE = 500;
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** A run as `GET /runs/{id}` shows it (the fields the actions read). */
export interface Run {
  id: string;
  status: string;
  kind?: string;
  error?: string | null;
}

export interface WaitForRunOptions {
  client: InfraKitchenClient;
  logger: LoggerService;
  runId: string;
  resourceId: string;
  /** Default DEFAULT_TIMEOUT_MINUTES. */
  timeoutMinutes?: number;
  /** Default DEFAULT_POLL_INTERVAL_MS. */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits until the run finishes, sending its log lines to `logger.info` as they come (read from the offset
 * reached so far, so none is sent twice). Returns the run when it succeeded; throws with the run's error when
 * it failed or was cancelled, and after `timeoutMinutes` (the run itself goes on). A passing 5xx or network
 * error while polling is logged and polled through: the run does not depend on this step watching it.
 */
export async function waitForRun(options: WaitForRunOptions): Promise<Run> {
  const { client, logger, runId, resourceId, signal } = options;
  const timeoutMinutes = options.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = Date.now() + timeoutMinutes * 60_000;
  let offset = 0;
  for (;;) {
    // The run first, then its log: lines written before the run finished are all there once it has.
    const run = await passing(logger, () => getRun(client, runId));
    const from = offset;
    offset = (await passing(logger, () => streamLogs(client, logger, runId, from))) ?? from;
    if (run && FINISHED.has(run.status)) {
      if (run.status === 'succeeded') return run;
      throw new Error(
        `InfraKitchen run ${runId}${run.kind ? ` (${run.kind})` : ''} ${run.status}: ${run.error || 'no error given'}. ` +
          `See ${client.resourceUrl(resourceId)}`,
      );
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(
        `InfraKitchen run ${runId} did not finish within ${timeoutMinutes} minutes; it goes on in InfraKitchen ` +
          `(${client.url(`/runs/${runId}`)}), and the resource shows how it ends: ${client.resourceUrl(resourceId)}`,
      );
    }
    await sleep(Math.min(pollIntervalMs, left), signal);
  }
}

async function getRun(client: InfraKitchenClient, runId: string): Promise<Run> {
  const body = await client.getObject(`/runs/${encodeURIComponent(runId)}`, `run ${runId}`);
  return { id: String(body.id ?? runId), status: String(body.status), kind: optionalString(body.kind), error: optionalString(body.error) };
}

/** Sends the lines from `offset` on to the logger; returns the offset to read from next time. */
async function streamLogs(client: InfraKitchenClient, logger: LoggerService, runId: string, offset: number) {
  let next = offset;
  for (;;) {
    const { body } = await client.get(`/runs/${encodeURIComponent(runId)}/logs`, {
      query: { offset: next, limit: LOG_PAGE },
      what: `run ${runId}`,
    });
    if (!isRecord(body) || !Array.isArray(body.lines)) return next;
    for (const line of body.lines) logger.info(String(line));
    next = typeof body.next_offset === 'number' ? body.next_offset : next + body.lines.length;
    if (body.complete === true || body.lines.length < LOG_PAGE) return next;
  }
}

/** `look()`, or undefined after logging a warning when the service is passingly unavailable. */
async function passing<T>(logger: LoggerService, look: () => Promise<T>): Promise<T | undefined> {
  try {
    return await look();
  } catch (error) {
    const transient =
      (error instanceof InfraKitchenResponseError && (error.status >= 500 || error.status === 429)) ||
      (error instanceof TypeError && error.message === 'fetch failed');
    if (!transient) throw error;
    logger.warn(`InfraKitchen did not answer this time (${(error as Error).message}); trying again`);
    return undefined;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The failure for a resource that waits for an approver: nothing can run before someone approves it. */
export function approvalPending(client: InfraKitchenClient, resourceId: string, doing: string): ConflictError {
  return new ConflictError(
    `InfraKitchen resource ${resourceId} waits for approval: an approver must approve it in InfraKitchen ` +
      `before it can be ${doing} (${client.resourceUrl(resourceId)})`,
  );
}

/**
 * `POST /resources/{id}/provision`: the queued run. A 409 because the resource waits for approval becomes
 * `approvalPending`; any other 409 a ConflictError with the service's message and where the resource stands.
 */
export async function queueProvision(client: InfraKitchenClient, resourceId: string): Promise<Run> {
  const path = `/resources/${encodeURIComponent(resourceId)}/provision`;
  const { status, body } = await client.post(path, { accept: [409], what: `resource ${resourceId}` });
  if (status === 409) {
    if (isRecord(body) && body.resource_status === 'approval_pending') {
      throw approvalPending(client, resourceId, 'provisioned');
    }
    throw stateConflict(client, 'provision', resourceId, body);
  }
  return runOf(body);
}

/** A 409 from a resource action, with the service's message, the resource's state/status and what it allows. */
export function stateConflict(client: InfraKitchenClient, doing: string, resourceId: string, body: unknown): ConflictError {
  const message = isRecord(body) && typeof body.message === 'string' ? body.message : 'conflict';
  const where =
    isRecord(body) && body.state
      ? ` (it is ${body.state}/${body.resource_status}${
          Array.isArray(body.allowed_actions) ? `; allowed now: ${body.allowed_actions.join(', ') || 'nothing'}` : ''
        })`
      : '';
  return new ConflictError(
    `InfraKitchen cannot ${doing} resource ${resourceId} now: ${message}${where}. See ${client.resourceUrl(resourceId)}`,
  );
}

export function runOf(body: unknown): Run {
  if (!isRecord(body) || typeof body.id !== 'string') throw new Error('InfraKitchen answered no run');
  return { id: body.id, status: String(body.status), kind: optionalString(body.kind), error: optionalString(body.error) };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
