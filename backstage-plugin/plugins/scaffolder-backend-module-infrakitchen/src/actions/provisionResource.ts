import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InfraKitchenActionOptions, InfraKitchenClient, publicOutputs } from './infraKitchenClient';
import { DEFAULT_TIMEOUT_MINUTES, queueProvision, waitForRun } from './runs';

export const PROVISION_RESOURCE_ACTION_ID = 'infrakitchen:resource:provision';

/** The run id a dry run outputs. */
export const DRY_RUN_RUN_ID = '00000000-0000-0000-0000-000000000000';

const EXAMPLE = `steps:
  - id: apply
    name: Apply the database again
    action: infrakitchen:resource:provision
    input:
      resourceId: \${{ parameters.resourceId }}
      timeoutMinutes: 60
  - id: log
    action: debug:log
    input:
      message: run \${{ steps.apply.output.runId }} \${{ steps.apply.output.status }}; endpoint \${{ steps.apply.output.outputs.endpoint }}
`;

/**
 * `infrakitchen:resource:provision`: queues a provision (a first apply, or a re-apply) and by default waits for
 * it, with the run's log in the step's log; outputs the run, its status and the resource's non-sensitive outputs.
 */
export function createProvisionResourceAction(options: InfraKitchenActionOptions) {
  return createTemplateAction({
    id: PROVISION_RESOURCE_ACTION_ID,
    description:
      'Provisions an InfraKitchen resource (applies its module) and by default waits for the run, streaming its log.',
    examples: [{ description: 'Apply a resource again and read its outputs', example: EXAMPLE }],
    supportsDryRun: true,
    schema: {
      input: {
        resourceId: z => z.string().min(1).describe('The id of the InfraKitchen resource (a UUID)'),
        wait: z => z.boolean().optional().describe('Wait for the run to finish (default true)'),
        timeoutMinutes: z =>
          z.number().positive().optional().describe(`How long to wait for the run (default ${DEFAULT_TIMEOUT_MINUTES})`),
      },
      output: {
        runId: z => z.string().describe('The provision run'),
        status: z => z.string().describe("The run's status: succeeded when waited for, else queued"),
        outputs: z => z.record(z.string(), z.any()).describe("The resource's non-sensitive outputs by name"),
      },
    },
    async handler(ctx) {
      const { resourceId } = ctx.input;
      const wait = ctx.input.wait ?? true;
      const client = await InfraKitchenClient.forContext(options, ctx);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would provision InfraKitchen resource ${resourceId}${wait ? ' and wait for the run' : ''}`);
        ctx.output('runId', DRY_RUN_RUN_ID);
        ctx.output('status', wait ? 'succeeded' : 'queued');
        ctx.output('outputs', {});
        return;
      }
      let run = await queueProvision(client, resourceId);
      ctx.logger.info(`Provisioning InfraKitchen resource ${resourceId}: run ${run.id} ${run.status}`);
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
      const resource = await client.getObject(`/resources/${encodeURIComponent(resourceId)}`, `resource ${resourceId}`);
      ctx.output('runId', run.id);
      ctx.output('status', run.status);
      ctx.output('outputs', publicOutputs(resource.outputs));
    },
  });
}
