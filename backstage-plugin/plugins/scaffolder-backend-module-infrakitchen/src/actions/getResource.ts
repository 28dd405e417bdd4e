import { AuthService, BackstageCredentials } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject, JsonValue } from '@backstage/types';

export const GET_RESOURCE_ACTION_ID = 'infrakitchen:resource:get';

export interface InfraKitchenActionOptions {
  /** The service root, e.g. http://localhost:7777 (the API is under /api/v1). */
  baseUrl: string;
  /** A service-account token; without it a Backstage plugin token is sent on behalf of the initiator. */
  token?: string;
  /** The target plugin id of the plugin token (default `infrakitchen`). */
  pluginId?: string;
  auth: AuthService;
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

const EXAMPLE = `steps:
  - id: infrastructure
    name: Read the database
    action: infrakitchen:resource:get
    input:
      resourceId: 755f7a8e-37b4-4641-baa8-3713df252919
  - id: log
    name: Show its endpoint
    action: debug:log
    input:
      message: \${{ steps.infrastructure.output.name }} is \${{ steps.infrastructure.output.state }}, at \${{ steps.infrastructure.output.outputs.endpoint }}
`;

/**
 * `infrakitchen:resource:get`: a resource's name, state, status and non-sensitive outputs (`{name: value}`;
 * sensitive ones are left out, not masked). The read is made for the user who runs the template, unless a
 * service-account token is configured.
 */
export function createGetResourceAction(options: InfraKitchenActionOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return createTemplateAction({
    id: GET_RESOURCE_ACTION_ID,
    description:
      'Reads an InfraKitchen resource: its name, state, status and outputs (sensitive outputs are left out).',
    examples: [{ description: 'Read a resource and use its outputs in a later step', example: EXAMPLE }],
    supportsDryRun: true, // a read changes nothing
    schema: {
      input: {
        resourceId: z => z.string().min(1).describe('The id of the InfraKitchen resource (a UUID)'),
      },
      output: {
        resourceId: z => z.string().describe('The resource id'),
        name: z => z.string().describe('The resource name'),
        state: z => z.string().describe('Its state: pending, ready, provisioned, destroyed, ...'),
        status: z => z.string().describe('Its status: queued, running, done, error, ...'),
        outputs: z =>
          // any, not unknown: outputs are JSON (the scaffolder's outputs must be)
          z.record(z.string(), z.any()).describe('Its non-sensitive outputs from the last apply, by name'),
      },
    },
    async handler(ctx) {
      const { resourceId } = ctx.input;
      const authorization = await authorizationFor(options, await ctx.getInitiatorCredentials());
      const url = `${baseUrl}/api/v1/resources/${encodeURIComponent(resourceId)}`;
      const response = await fetch(url, {
        headers: { Authorization: authorization, Accept: 'application/json' },
        signal: ctx.signal,
      });
      const body = await response.json().catch(() => undefined);
      if (response.status === 404) throw new NotFoundError(`InfraKitchen has no resource ${resourceId} you may see`);
      if (response.status === 401 || response.status === 403) {
        throw new NotAllowedError(`InfraKitchen refused to show resource ${resourceId}: ${messageOf(body, response)}`);
      }
      if (!response.ok || !isRecord(body)) {
        throw new Error(`GET ${url} answered ${response.status}: ${messageOf(body, response)}`);
      }
      ctx.logger.info(`InfraKitchen resource ${resourceId}: ${body.name} (${body.state}/${body.status})`);
      ctx.output('resourceId', String(body.id ?? resourceId));
      ctx.output('name', String(body.name));
      ctx.output('state', String(body.state));
      ctx.output('status', String(body.status));
      ctx.output('outputs', publicOutputs(body.outputs));
    },
  });
}

async function authorizationFor(options: InfraKitchenActionOptions, initiator: BackstageCredentials) {
  if (options.token) return `Bearer ${options.token}`;
  const { token } = await options.auth.getPluginRequestToken({
    onBehalfOf: initiator,
    targetPluginId: options.pluginId ?? 'infrakitchen',
  });
  return `Bearer ${token}`;
}

/** `Resource.outputs` is `{name: {value, sensitive}}` (null before the first apply): the values of the others. */
function publicOutputs(outputs: unknown): JsonObject {
  if (!isRecord(outputs)) return {};
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([, output]) => isRecord(output) && output.sensitive === false)
      .map(([name, output]) => [name, (output as { value: JsonValue }).value]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(body: unknown, response: Response): string {
  return isRecord(body) && typeof body.message === 'string' ? body.message : response.statusText;
}
