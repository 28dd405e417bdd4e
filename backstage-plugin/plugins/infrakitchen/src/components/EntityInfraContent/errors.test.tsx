import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeInfraKitchenApi } from '../../__fixtures__/FakeInfraKitchenApi';
import { renderOnEntity } from '../../__testUtils__/renderOnEntity';
import { fixtureResource } from '../../__fixtures__';
import { EntityInfraContent } from './EntityInfraContent';

function render(api: FakeInfraKitchenApi) {
  return renderOnEntity(<EntityInfraContent />, api);
}

describe('EntityInfraContent errors', () => {
  it('explains a 401: the credentials did not reach or satisfy the service', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('listResources', 401, { serviceMessage: 'token expired' });
    await render(api);
    expect(await screen.findByText(/Not signed in to InfraKitchen/)).toBeInTheDocument();
    expect(screen.getByText(/credentials: forward/)).toBeInTheDocument();
  });

  it('explains a 403 and offers no retry', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('listResources', 403);
    await render(api);
    expect(await screen.findByText(/Not allowed/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('shows a retry when the service is down, and recovers', async () => {
    const api = new FakeInfraKitchenApi();
    api.failNext('listResources', 0);
    await render(api);
    expect(await screen.findByText(/InfraKitchen is unavailable/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('button', { name: fixtureResource.name })).toBeInTheDocument();
  });
});
