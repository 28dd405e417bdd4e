import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InfraKitchenActionOptions, InfraKitchenClient, isRecord } from './infraKitchenClient';
import { DEFAULT_TIMEOUT_MINUTES, runOf, stateConflict, waitForRun } from './runs';
import { DRY_RUN_RUN_ID } from './provisionResource';

export const DESTROY_RESOURCE_ACTION_ID = 'infrakitchen:resource:destroy';

const EXAMPLE = `steps:
  - id: destroy
    name: Destroy the preview environment
    action: infrakitchen:resource:destroy
    input:
      resourceId: \${{ parameters.resourceId }}
  - id: log
    action: debug:log
    input:
      message: destroy is \${{ steps.destroy.output.status }}
`;

/**
 * `infrakitchen:resource:destroy`: destroys a resource's infrastructure. On a template that requires approval
 * the resource then waits for an approver (status `approval_pending`, no run yet): the step succeeds and says
 * so. A resource others build on is refused, naming them.
 */
export function createDestroyResourceAction(options: InfraKitchenActionOptions) {
  return createTemplateAction({
    id: DESTROY_RESOURCE_ACTION_ID,
    description:
      "Destroys an InfraKitchen resource's infrastructure and by default waits for the run; where the template " +
      'requires approval it asks for it and finishes with status approval_pending.',
    examples: [{ description: 'Destroy a resource', example: EXAMPLE }],
    supportsDryRun: true,
    schema: {
      input: {
        resourceId: z => z.string().min(1).describe('The id of the InfraKitchen resource (a UUID)'),
        wait: z => z.boolean().optional().describe('Wait for the destroy run to finish (default true)'),
        timeoutMinutes: z =>
          z.number().positive().optional().describe(`How long to wait for the run (default ${DEFAULT_TIMEOUT_MINUTES})`),
      },
      output: {
        runId: z => z.string().optional().describe('The destroy run (none while it waits for approval)'),
        status: z =>
          z
            .string()
            .describe("The run's status (succeeded when waited for, else queued), or approval_pending, or destroyed"),
      },
    },
    async handler(ctx) {
      const { resourceId } = ctx.input;
      const wait = ctx.input.wait ?? true;
      const client = await InfraKitchenClient.forContext(options, ctx);
      const url = client.resourceUrl(resourceId);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would destroy InfraKitchen resource ${resourceId}${wait ? ' and wait for the run' : ''}`);
        ctx.output('runId', DRY_RUN_RUN_ID);
        ctx.output('status', wait ? 'succeeded' : 'queued');
        return;
      }
      const { status, body } = await client.post(`/resources/${encodeURIComponent(resourceId)}/destroy`, {
        accept: [409],
        what: `resource ${resourceId}`,
      });
      const waitsForApproval = (state: unknown, resourceStatus: unknown) =>
        state === 'destroy' && resourceStatus === 'approval_pending';
      if (status === 200 || status === 409) {
        const record = isRecord(body) ? body : {};
        // 200: the resource, now waiting; 409 from a retried step: it waits already
        if (waitsForApproval(record.state, status === 200 ? record.status : record.resource_status)) {
          ctx.logger.info(
            `InfraKitchen resource ${resourceId} waits for approval: an approver must approve its destroy in ` +
              `InfraKitchen before it runs (${url}); then destroy it again`,
          );
          ctx.output('status', 'approval_pending');
          return;
        }
        if (status === 409 && Array.isArray(record.children)) {
          const children = record.children.map(child => (isRecord(child) ? `${child.name} (${child.id})` : String(child)));
          const names = children.length ? children.join(', ') : 'other resources';
          const said = typeof record.message === 'string' ? ` (${record.message})` : '';
          throw new ConflictError(
            `InfraKitchen cannot destroy resource ${resourceId}: ${names} build on it; destroy them first${said}`,
          );
        }
        if (status === 409 && record.state === 'destroyed') {
          ctx.logger.info(`InfraKitchen resource ${resourceId} is destroyed already`);
          ctx.output('status', 'destroyed');
          return;
        }
        if (status === 409) throw stateConflict(client, 'destroy', resourceId, body);
        throw new Error(`InfraKitchen answered 200 to the destroy of ${resourceId} without it waiting for approval`);
      }
      let run = runOf(body);
      ctx.logger.info(`Destroying InfraKitchen resource ${resourceId}: run ${run.id} ${run.status}`);
      if (wait) {
        run = await waitForRun({
          client,
          logger: ctx.logger,
          runId: run.id,
          resourceId,
          timeoutMinutes: ctx.input.timeoutMinutes,
          pollIntervalMs: options.pollIntervalMs,
          signal: ctx.signal,
        });
      }
      ctx.output('runId', run.id);
      ctx.output('status', run.status);
    },
  });
}
