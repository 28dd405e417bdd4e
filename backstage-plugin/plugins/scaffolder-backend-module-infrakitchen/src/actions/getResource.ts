import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InfraKitchenActionOptions, InfraKitchenClient, publicOutputs } from './infraKitchenClient';

export const GET_RESOURCE_ACTION_ID = 'infrakitchen:resource:get';

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
      const client = await InfraKitchenClient.forContext(options, ctx);
      const body = await client.getObject(`/resources/${encodeURIComponent(resourceId)}`, `resource ${resourceId}`);
      ctx.logger.info(`InfraKitchen resource ${resourceId}: ${body.name} (${body.state}/${body.status})`);
      ctx.output('resourceId', String(body.id ?? resourceId));
      ctx.output('name', String(body.name));
      ctx.output('state', String(body.state));
      ctx.output('status', String(body.status));
      ctx.output('outputs', publicOutputs(body.outputs));
    },
  });
}
