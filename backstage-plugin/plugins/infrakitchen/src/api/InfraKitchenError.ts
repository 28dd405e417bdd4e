import type { ConflictChild } from './types';

/**
 * A failed call to the service, carrying its error body `{code, status, message, errors}`.
 *
 * Backstage's `ResponseError.fromResponse` understands only Backstage's own error body and keeps the
 * service's as flat text, which would lose the per-field `errors` the create form shows; hence this class.
 */
export class InfraKitchenError extends Error {
  /** HTTP status; 0 when the service (or the proxy) could not be reached at all. */
  readonly statusCode: number;
  /** The service's per-field messages (422), e.g. `{variables: {name: ["required"]}, json: {...}}`. */
  readonly errors?: Record<string, unknown>;
  /** The service's own message, when it sent one. */
  readonly serviceMessage?: string;
  /** A 409 on destroy or delete: the resources that build on this one (those the caller may see). */
  readonly children?: ConflictChild[];

  constructor(options: {
    statusCode: number;
    message: string;
    serviceMessage?: string;
    errors?: Record<string, unknown>;
    children?: ConflictChild[];
  }) {
    super(options.message);
    this.name = 'InfraKitchenError';
    this.statusCode = options.statusCode;
    this.errors = options.errors;
    this.serviceMessage = options.serviceMessage;
    this.children = options.children;
  }

  static async fromResponse(response: Response): Promise<InfraKitchenError> {
    let body: { message?: unknown; errors?: unknown; children?: unknown } | undefined;
    try {
      const text = await response.text();
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const serviceMessage = typeof body?.message === 'string' ? body.message : undefined;
    const errors =
      body?.errors && typeof body.errors === 'object'
        ? (body.errors as Record<string, unknown>)
        : undefined;
    return new InfraKitchenError({
      statusCode: response.status,
      message: `InfraKitchen answered ${response.status}${serviceMessage ? `: ${serviceMessage}` : ''}`,
      serviceMessage,
      errors,
      children: conflictChildren(body?.children),
    });
  }

  static unreachable(cause: unknown): InfraKitchenError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new InfraKitchenError({
      statusCode: 0,
      message: `InfraKitchen could not be reached (${detail})`,
    });
  }
}

export function isInfraKitchenError(error: unknown): error is InfraKitchenError {
  return error instanceof Error && error.name === 'InfraKitchenError' && 'statusCode' in error;
}

/** The `children` of a 409 body, `[{id, name, state, status}]`; entries of another shape are left out. */
function conflictChildren(value: unknown): ConflictChild[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(
    (child): child is ConflictChild =>
      typeof child === 'object' &&
      child !== null &&
      typeof child.id === 'string' &&
      typeof child.name === 'string',
  );
}
