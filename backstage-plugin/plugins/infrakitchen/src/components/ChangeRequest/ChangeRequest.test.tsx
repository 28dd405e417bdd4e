import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { infraKitchenApiRef, infraKitchenLiveApiRef } from '../../api';
import type { Me, Resource, ResourceChange } from '../../api/types';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { fixtureResource, fixtureTemplates } from '../../__fixtures__';
import { ResourceDrawer } from '../ResourceDrawer';

const alice: Me = { subject: 'user:default/alice', kind: 'backstage_user', role: 'member', ownership: [] };
const bob: Me = { subject: 'user:default/bob', kind: 'backstage_user', role: 'member', ownership: [] };
const platform: Me = { subject: 'user:default/pat', kind: 'backstage_user', role: 'platform', ownership: [] };

async function render(api: FakeInfraKitchenApi) {
  await renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, api], [infraKitchenLiveApiRef, api.live]]}>
      <ResourceDrawer
        resourceId={fixtureResource.id}
        onSelectRun={jest.fn()}
        onSelectResource={jest.fn()}
        onClose={jest.fn()}
      />
    </TestApiProvider>,
  );
  return screen.findByRole('region', { name: 'resource details' });
}

/** The demo template, requiring approval (and with an approver group, when given). */
function requireApproval(api: FakeInfraKitchenApi, approverGroup: string | null = null) {
  api.templates = [{ ...fixtureTemplates[0], requires_approval: true, approver_group: approverGroup }];
}

/** A change of the demo resource's `name` asked for by `by` (through the fake, as the service records it). */
async function asked(api: FakeInfraKitchenApi, by: Me, name = 'moon'): Promise<ResourceChange> {
  const caller = api.me;
  api.me = by;
  const change = await api.requestChange({
    resourceId: fixtureResource.id,
    request: { variables: { name } },
  });
  api.me = caller;
  return change;
}

/** Until `/me` and the template are read (the fake answers at once): who may decide is known then. */
async function callerKnown(api: FakeInfraKitchenApi) {
  await waitFor(() => expect(api.calls).toContain('getTemplate'));
  await act(() => Promise.resolve());
}

const changeSection = () => screen.getByRole('region', { name: 'Change' });
const button = (name: string) => within(changeSection()).getByRole('button', { name });

async function decide(label: 'Approve' | 'Reject', reason?: string) {
  await userEvent.click(button(label));
  const dialog = await screen.findByRole('dialog', { name: new RegExp(`${label} this change`) });
  const confirm = within(dialog).getByRole('button', { name: label });
  if (label === 'Reject') expect(confirm).toBeDisabled();
  if (reason) await userEvent.type(within(dialog).getByLabelText(/Reason/), reason);
  await userEvent.click(confirm);
}

describe('change requests in the drawer', () => {
  it('edits a provisioned resource into an open change, plans and applies it: the resource takes the value', async () => {
    const api = new FakeInfraKitchenApi();
    await render(api);
    expect(screen.queryByRole('region', { name: 'Change' })).not.toBeInTheDocument();
    await userEvent.click(
      within(screen.getByRole('region', { name: 'Actions' })).getByRole('button', { name: 'Edit' }),
    );
    const dialog = await screen.findByRole('dialog', { name: `Edit ${fixtureResource.name}` });
    await waitFor(() => expect(document.getElementById('ik-var-name')).not.toBeNull());
    const name = document.getElementById('ik-var-name') as HTMLInputElement;
    await userEvent.clear(name);
    await userEvent.type(name, 'moon');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Submit' }));

    expect(await screen.findByTestId('change-requested')).toHaveTextContent(/Change requested: plan it/);
    const section = await screen.findByRole('region', { name: 'Change' });
    expect(within(section).getByTestId('change-status')).toHaveTextContent('open');
    expect(section).toHaveTextContent(`requested by ${alice.subject}`);
    const line = within(section).getByTestId('change-diff-name');
    expect(line).toHaveTextContent('world');
    expect(line).toHaveTextContent('moon');
    expect(within(section).queryByTestId('change-diff-api_key')).not.toBeInTheDocument();
    // Until it is applied, the resource keeps its values.
    expect(screen.getByTestId('variables-name')).toHaveTextContent('world');
    // No approval needed: nobody is asked to decide.
    expect(within(section).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();

    await userEvent.click(button('Plan'));
    expect(await within(section).findByTestId('plan-counts')).toHaveTextContent(
      'Plan: 0 to add, 1 to change, 0 to destroy.',
    );
    expect(within(section).getByText('terraform_data.greeter[0]')).toBeInTheDocument();

    expect(button('Apply')).toBeEnabled();
    await userEvent.click(button('Apply'));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Change' })).not.toBeInTheDocument());
    expect(await screen.findByTestId('variables-name')).toHaveTextContent('moon');
    const past = screen.getByRole('region', { name: 'Past changes' });
    expect(within(past).getByTestId('status-applied')).toBeInTheDocument();
    expect(past).toHaveTextContent('name: world → moon');
    expect(api.calls.filter(c => c === 'runChange')).toHaveLength(2);
    // The notice was about the open change: it went with it.
    expect(screen.queryByTestId('change-requested')).not.toBeInTheDocument();
  });

  it('says a resource never applied was edited in place', async () => {
    const api = new FakeInfraKitchenApi();
    api.resources = [{ ...fixtureResource, state: 'provision', status: 'ready', outputs: {} }];
    api.actions[fixtureResource.id] = ['provision', 'plan', 'delete'];
    await render(api);
    await userEvent.click(screen.getByRole('button', { name: 'Edit' }));
    await waitFor(() => expect(document.getElementById('ik-var-replicas')).not.toBeNull());
    const replicas = document.getElementById('ik-var-replicas') as HTMLInputElement;
    await userEvent.clear(replicas);
    await userEvent.type(replicas, '4');
    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));
    expect(await screen.findByTestId('change-requested')).toHaveTextContent(
      'Edited in place: the resource has never been applied, so its values changed at once.',
    );
    expect(await screen.findByTestId('variables-replicas')).toHaveTextContent('4');
    expect(screen.queryByRole('region', { name: 'Change' })).not.toBeInTheDocument();
    const past = screen.getByRole('region', { name: 'Past changes' });
    expect(within(past).getByTestId('status-applied')).toBeInTheDocument();
    await userEvent.click(within(screen.getByTestId('change-requested')).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('change-requested')).not.toBeInTheDocument();
  });

  it('lets an approver approve with a reason; Apply waits for it', async () => {
    const api = new FakeInfraKitchenApi();
    requireApproval(api);
    await asked(api, bob);
    api.me = platform;
    await render(api);
    const section = await screen.findByRole('region', { name: 'Change' });
    expect(section).toHaveTextContent('needs approval');
    expect(button('Apply')).toBeDisabled();
    expect(within(section).getByTestId('apply-needs-approval')).toBeInTheDocument();

    await decide('Approve', 'looks fine');
    expect(await within(section).findByTestId('status-approved')).toBeInTheDocument();
    expect(section).toHaveTextContent(`approved by ${platform.subject}: looks fine`);
    expect(within(section).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(button('Apply')).toBeEnabled();
    await userEvent.click(button('Apply'));
    expect(await screen.findByTestId('variables-name')).toHaveTextContent('moon');
  });

  it('rejects only with a reason, and the past change says who rejected it and why', async () => {
    const api = new FakeInfraKitchenApi();
    requireApproval(api);
    await asked(api, bob);
    api.me = platform;
    await render(api);
    await screen.findByRole('region', { name: 'Change' });
    await decide('Reject', 'not this quarter');
    const past = await screen.findByRole('region', { name: 'Past changes' });
    expect(within(past).getByTestId('status-rejected')).toBeInTheDocument();
    expect(past).toHaveTextContent(`rejected by ${platform.subject}: not this quarter`);
    expect(screen.queryByRole('region', { name: 'Change' })).not.toBeInTheDocument();
    expect(screen.getByTestId('variables-name')).toHaveTextContent('world');
  });

  it('offers no decision to whoever asked for the change, even on the platform team', async () => {
    const api = new FakeInfraKitchenApi();
    requireApproval(api);
    api.me = platform;
    await asked(api, platform);
    await render(api);
    const section = await screen.findByRole('region', { name: 'Change' });
    await callerKnown(api);
    expect(within(section).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(within(section).queryByRole('button', { name: 'Reject' })).not.toBeInTheDocument();
    expect(button('Apply')).toBeDisabled();
  });

  it('offers the decision to a member of the template’s approver group, not to other members', async () => {
    const api = new FakeInfraKitchenApi();
    requireApproval(api, 'group:default/approvers');
    await asked(api, alice);
    api.me = bob;
    const { unmount } = await renderInTestApp(
      <TestApiProvider apis={[[infraKitchenApiRef, api], [infraKitchenLiveApiRef, api.live]]}>
        <ResourceDrawer
          resourceId={fixtureResource.id}
          onSelectRun={jest.fn()}
          onSelectResource={jest.fn()}
          onClose={jest.fn()}
        />
      </TestApiProvider>,
    );
    await screen.findByRole('region', { name: 'Change' });
    await callerKnown(api);
    expect(within(changeSection()).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    unmount();

    api.me = { ...bob, ownership: ['group:default/approvers'] };
    await render(api);
    await decide('Approve');
    expect(await within(changeSection()).findByTestId('status-approved')).toBeInTheDocument();
  });

  it('shows the service’s 403 in its own words', async () => {
    const api = new FakeInfraKitchenApi();
    requireApproval(api);
    await asked(api, bob);
    api.me = platform;
    api.failNext('decideChange', 403, {
      serviceMessage: 'a change cannot be approved or rejected by whoever asked for it',
    });
    await render(api);
    await screen.findByRole('region', { name: 'Change' });
    await decide('Approve');
    expect(await within(changeSection()).findByRole('alert')).toHaveTextContent(
      'Not allowed: a change cannot be approved or rejected by whoever asked for it',
    );
    expect(within(changeSection()).getByTestId('change-status')).toHaveTextContent('open');
  });

  it('follows change.created and change.updated events live', async () => {
    const api = new FakeInfraKitchenApi();
    await render(api);
    expect(screen.queryByRole('region', { name: 'Change' })).not.toBeInTheDocument();
    // Asked for elsewhere: the fake emits change.created on the resource's topic.
    let change!: ResourceChange;
    await act(async () => {
      change = await asked(api, bob);
    });
    const section = await screen.findByRole('region', { name: 'Change' });
    expect(section).toHaveTextContent(`requested by ${bob.subject}`);
    const planned: ResourceChange = {
      ...change,
      plan_run_id: 'run-elsewhere',
      plan_summary: { add: 2, change: 0, destroy: 1, has_changes: true, resources: [] },
      updated_at: new Date(Date.now() + 1000).toISOString(),
    };
    act(() => {
      api.emit({
        type: 'change.updated',
        resource_id: fixtureResource.id,
        run_id: null,
        entity_ref: fixtureResource.entity_ref,
        data: planned as unknown as Record<string, unknown>,
      });
    });
    expect(await within(section).findByTestId('plan-counts')).toHaveTextContent(
      'Plan: 2 to add, 0 to change, 1 to destroy.',
    );
  });

  it('lists past changes with who decided and why, and what went wrong', async () => {
    const api = new FakeInfraKitchenApi();
    const failed = await asked(api, bob, 'mars');
    const base: Resource = api.resources[0];
    api.changes = [
      {
        ...failed,
        status: 'failed',
        error: 'the apply run failed: quota exceeded',
        decided_by: 'user:default/pat',
        reason: 'go ahead',
      },
    ];
    api.resources = [base];
    await render(api);
    const past = await screen.findByRole('region', { name: 'Past changes' });
    expect(within(past).getByTestId('status-failed')).toBeInTheDocument();
    expect(past).toHaveTextContent('name: world → mars');
    expect(past).toHaveTextContent('approved by user:default/pat: go ahead');
    expect(within(past).getByTestId('change-error')).toHaveTextContent('quota exceeded');
  });
});
