import { asLastRun } from '../api/payloadFields';
import type { Resource } from '../api/types';
import { fixtureEvents, fixtureResource } from '../__fixtures__';
import { applyListEvent, type ResourceList } from './useResources';

const filter = { entityRef: 'component:default/demo' };

describe('applyListEvent', () => {
  it('replays the recorded provisioning into the row the REST API shows at the end', () => {
    let list: ResourceList = { resources: [] };
    const seen: Array<string | undefined> = [];
    for (const event of fixtureEvents) {
      list = applyListEvent(list, event, filter);
      seen.push(asLastRun(list.resources[0]?.last_run)?.status);
    }
    // The resource.updated that queues the run already carries it.
    expect(seen).toEqual([undefined, 'queued', 'queued', 'running', 'running', 'succeeded', 'succeeded']);
    expect(list.resources).toHaveLength(1);
    const row = list.resources[0];
    expect(row.status).toBe('done');
    expect(row.last_run).toEqual(fixtureResource.last_run);
    expect(`${row.template_name}@${row.template_version}`).toBe('hello-world@1.0.0');
  });

  it('ignores run events of resources it does not list', () => {
    const finished = fixtureEvents.find(e => e.type === 'run.finished')!;
    const list: ResourceList = { resources: [{ ...fixtureResource, id: 'other' } as Resource] };
    expect(applyListEvent(list, finished, filter)).toBe(list);
  });
});
