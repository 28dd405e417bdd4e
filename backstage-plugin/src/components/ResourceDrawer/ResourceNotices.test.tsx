import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { renderDrawer, resourceLike, serveService } from '../../__testUtils__/fakeService';

const server = setupServer();
registerMswTestHooks(server);
afterEach(() => server.events.removeAllListeners());

const network = resourceLike({ id: 'net-1', name: 'shop-network', template_name: 'network' });

describe('ResourceDrawer notices', () => {
  it('warns when a parent’s wired outputs changed since the resource was applied', async () => {
    const app = resourceLike({
      id: 'app-1',
      name: 'shop-app',
      parent_ids: [network.id],
      parent_outputs_changed: true,
    });
    serveService(server, { resources: [network, app], actions: { [app.id]: ['provision', 'plan'] } });
    await renderDrawer(app.id);
    expect(await screen.findByTestId('parent-outputs-changed')).toHaveTextContent(
      "A parent's outputs changed since this was applied: re-apply (Provision) to pick them up; a Plan " +
        'shows the difference.',
    );
  });

  it('says nothing when its parents’ outputs are those it was applied with', async () => {
    const app = resourceLike({ id: 'app-1', name: 'shop-app', parent_ids: [network.id] });
    serveService(server, { resources: [network, app] });
    await renderDrawer(app.id);
    await screen.findByRole('region', { name: 'Builds on' });
    expect(screen.queryByTestId('parent-outputs-changed')).not.toBeInTheDocument();
  });
});
