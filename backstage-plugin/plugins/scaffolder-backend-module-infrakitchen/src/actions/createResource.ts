import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import { InfraKitchenActionOptions, InfraKitchenClient, isRecord, publicOutputs } from './infraKitchenClient';
import {
  approvalPending,
  DEFAULT_TIMEOUT_MINUTES,
  queueProvision,
  Run,
  waitForRun,
} from './runs';

export const CREATE_RESOURCE_ACTION_ID = 'infrakitchen:resource:create';

/** The resource id a dry run outputs, so later steps have something to render. */
export const DRY_RUN_RESOURCE_ID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const EXAMPLE = `steps:
  - id: bucket
    name: Create the bucket
    action: infrakitchen:resource:create
    input:
      template: s3-bucket
      name: \${{ parameters.name }}-assets
      variables:
        versioning: true
      entityRef: component:default/\${{ parameters.name }}
  - id: log
    name: Show where it is
    action: debug:log
    input:
      message: \${{ steps.bucket.output.url }} has bucket \${{ steps.bucket.output.outputs.bucket_name }}
`;

const EXAMPLE_NO_WAIT = `steps:
  - id: database
    name: Create the database on a version, owned by the team, without waiting for the apply
    action: infrakitchen:resource:create
    input:
      template: postgres
      version: 2.1.0
      name: orders-db
      owner: group:default/team-orders
      parents:
        - \${{ parameters.networkId }}
      variables:
        size: small
      waitFor: created
`;

/**
 * `infrakitchen:resource:create`: a resource from a template (by name or id; a version by its name, default
 * the newest active one), then by default its provision, waiting for the run with its log in the step's log,
 * and its non-sensitive outputs. A retried step does not create a second resource: the id is kept in a
 * checkpoint, and a name already taken in that entity by the same owner (409) is the resource from the first
 * attempt, if it is of the same template.
 */
export function createCreateResourceAction(options: InfraKitchenActionOptions) {
  return createTemplateAction({
    id: CREATE_RESOURCE_ACTION_ID,
    description:
      'Creates an InfraKitchen resource from a template and (by default) provisions it, waiting for the run and ' +
      'streaming its log; outputs its id, URL and non-sensitive outputs.',
    examples: [
      { description: 'Create a bucket for the new component and use one of its outputs', example: EXAMPLE },
      { description: 'Create a resource on a given version and parent, without waiting', example: EXAMPLE_NO_WAIT },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        template: z => z.string().min(1).describe('The InfraKitchen template: its exact name, or its id'),
        version: z =>
          z.string().min(1).optional().describe("The template's version, e.g. 1.2.0 (default: the newest active one)"),
        name: z => z.string().min(1).describe('The resource name (unique per owner within its entity)'),
        variables: z =>
          z
            .record(z.string(), z.any())
            .optional()
            .describe("The module's variables, by name (checked by InfraKitchen: a message per field if wrong)"),
        entityRef: z =>
          z.string().optional().describe('The catalog entity the resource belongs to, e.g. component:default/shop'),
        owner: z =>
          z.string().optional().describe('Its owner, e.g. group:default/team-a (default: whoever runs the template)'),
        parents: z =>
          z.array(z.string()).optional().describe('Ids of the resources it builds on (its template says which)'),
        provision: z => z.boolean().optional().describe('Provision it once created (default true)'),
        waitFor: z =>
          z
            .enum(['created', 'provisioned'])
            .optional()
            .describe("Finish the step once it is created, or provisioned (default: 'provisioned' when provisioning)"),
        timeoutMinutes: z =>
          z.number().positive().optional().describe(`How long to wait for the run (default ${DEFAULT_TIMEOUT_MINUTES})`),
      },
      output: {
        resourceId: z => z.string().describe('The resource id'),
        url: z => z.string().describe('The resource in the InfraKitchen API'),
        outputs: z =>
          z.record(z.string(), z.any()).describe('Its non-sensitive outputs by name (empty until it is provisioned)'),
      },
    },
    async handler(ctx) {
      const { name, entityRef, owner } = ctx.input;
      const provision = ctx.input.provision ?? true;
      const waitFor = ctx.input.waitFor ?? (provision ? 'provisioned' : 'created');
      if (waitFor === 'provisioned' && !provision) {
        throw new InputError("waitFor 'provisioned' needs provision: true");
      }
      const client = await InfraKitchenClient.forContext(options, ctx);
      const template = await resolveTemplate(client, ctx.input.template);
      const version = ctx.input.version ? await resolveVersion(client, template, ctx.input.version) : undefined;
      const request: JsonObject = {
        name,
        template_id: template.id,
        ...(version ? { template_version_id: version.id } : {}),
        variables: ctx.input.variables ?? {},
        ...(entityRef ? { entity_ref: entityRef } : {}),
        ...(owner ? { owner } : {}),
        ...(ctx.input.parents?.length ? { parent_ids: ctx.input.parents } : {}),
      };
      const what = `${name} from ${template.name} ${version ? version.version : '(its newest active version)'}`;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create InfraKitchen resource ${what}${entityRef ? ` for ${entityRef}` : ''}` +
            `${provision ? `, then provision it${waitFor === 'provisioned' ? ' and wait for the run' : ''}` : ''}`,
        );
        ctx.output('resourceId', DRY_RUN_RESOURCE_ID);
        ctx.output('url', client.resourceUrl(DRY_RUN_RESOURCE_ID));
        ctx.output('outputs', {});
        return;
      }

      const resourceId = await ctx.checkpoint({
        // per resource, so that steps with `each` keep one id per iteration
        key: `infrakitchen.resource.create.${entityRef ?? ''}.${name}`,
        fn: () => createOrReuse(client, ctx.logger, request, template.id, what),
      });
      const url = client.resourceUrl(resourceId);
      ctx.output('resourceId', resourceId);
      ctx.output('url', url);

      let resource = await getResource(client, resourceId);
      if (provision) {
        const run = await provisionOnce(client, ctx.logger, resource);
        if (run && waitFor === 'provisioned') {
          await waitForRun({
            client,
            logger: ctx.logger,
            runId: run.id,
            resourceId,
            timeoutMinutes: ctx.input.timeoutMinutes,
            pollIntervalMs: options.pollIntervalMs,
            signal: ctx.signal,
          });
          resource = await getResource(client, resourceId);
          ctx.logger.info(`InfraKitchen resource ${name} is ${resource.state}/${resource.status}: ${url}`);
        }
      }
      ctx.output('outputs', publicOutputs(resource.outputs));
    },
  });
}

interface Named {
  id: string;
  name: string;
}

/** A template by id, or by exact name (the name filter matches names that contain it). */
async function resolveTemplate(client: InfraKitchenClient, template: string): Promise<Named> {
  if (UUID.test(template)) {
    const body = await client.getObject(`/templates/${template}`, `template ${template}`);
    return { id: String(body.id), name: String(body.name) };
  }
  const found = (await client.list('/templates/', { name: template })).find(t => t.name === template);
  if (!found) throw new NotFoundError(`InfraKitchen has no template named ${JSON.stringify(template)} you may see`);
  return { id: String(found.id), name: template };
}

async function resolveVersion(client: InfraKitchenClient, template: Named, version: string) {
  const versions = await client.list(`/templates/${template.id}/versions`, {});
  const found = versions.find(v => v.version === version);
  if (!found) {
    const known = versions.map(v => `${v.version} (${v.lifecycle})`).join(', ') || 'none';
    throw new NotFoundError(`InfraKitchen template ${template.name} has no version ${version}; it has ${known}`);
  }
  return { id: String(found.id), version };
}

/**
 * POST /resources/, or on a 409 the resource the caller already has under that name in that entity: a
 * retried task whose first attempt created it before it could record the checkpoint. Another 409 (a `unique`
 * variable's value taken, or the name used by a resource of another template) fails.
 */
async function createOrReuse(
  client: InfraKitchenClient,
  logger: LoggerService,
  request: JsonObject,
  templateId: string,
  what: string,
): Promise<string> {
  const { status, body } = await client.post('/resources/', { body: request, accept: [409] });
  if (status !== 409) {
    if (!isRecord(body) || typeof body.id !== 'string') throw new Error('InfraKitchen answered no resource');
    logger.info(`Created InfraKitchen resource ${what}: ${client.resourceUrl(body.id)}`);
    return body.id;
  }
  const refused = isRecord(body) && typeof body.message === 'string' ? body.message : 'conflict';
  const owner = typeof request.owner === 'string' ? request.owner : String((await client.getObject('/me')).subject);
  const entityRef = typeof request.entity_ref === 'string' ? request.entity_ref : undefined;
  const existing = (
    await client.list('/resources/', { name: String(request.name), entity_ref: entityRef, owner })
  ).find(r => r.name === request.name && (r.entity_ref ?? undefined) === entityRef && r.owner === owner);
  if (!existing) throw new ConflictError(`InfraKitchen refused to create resource ${what}: ${refused}`);
  if (existing.template_id !== templateId) {
    throw new ConflictError(
      `InfraKitchen refused to create resource ${what}: ${refused}, from template ${existing.template_name}; ` +
        'choose another name',
    );
  }
  logger.info(`InfraKitchen resource ${request.name} exists already (${client.resourceUrl(String(existing.id))}); using it`);
  return String(existing.id);
}

async function getResource(client: InfraKitchenClient, resourceId: string) {
  return client.getObject(`/resources/${encodeURIComponent(resourceId)}`, `resource ${resourceId}`);
}

/**
 * The run that provisions the resource: a new one, or the provision already queued or running (a retried
 * step), or none when it is provisioned already. Fails for a resource waiting for an approver, or for parents.
 */
async function provisionOnce(
  client: InfraKitchenClient,
  logger: LoggerService,
  resource: Record<string, unknown>,
): Promise<Run | undefined> {
  const resourceId = String(resource.id);
  if (resource.status === 'approval_pending') throw approvalPending(client, resourceId, 'provisioned');
  if (resource.status === 'pending') {
    throw new ConflictError(
      `InfraKitchen resource ${resourceId} cannot be provisioned yet: it waits for its parents ` +
        `(${resource.pending_reason ?? 'not all provisioned'}). See ${client.resourceUrl(resourceId)}`,
    );
  }
  if (resource.state === 'provisioned' && resource.status === 'done') {
    logger.info(`InfraKitchen resource ${resource.name} is provisioned already; not provisioning it again`);
    return undefined;
  }
  const last = resource.last_run;
  if (isRecord(last) && last.kind === 'provision' && (last.status === 'queued' || last.status === 'running')) {
    logger.info(`InfraKitchen resource ${resource.name} is being provisioned already (run ${last.id})`);
    return { id: String(last.id), status: String(last.status) };
  }
  const run = await queueProvision(client, resourceId);
  logger.info(`Provisioning InfraKitchen resource ${resource.name}: run ${run.id} ${run.status}`);
  return run;
}
