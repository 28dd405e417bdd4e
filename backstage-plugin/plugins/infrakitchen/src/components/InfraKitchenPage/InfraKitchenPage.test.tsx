import { UrlPatternDiscovery } from '@backstage/core-app-api';
import { TestApiProvider, registerMswTestHooks, renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import {
  InfraKitchenClient,
  InfraKitchenLiveClient,
  infraKitchenApiRef,
  infraKitchenLiveApiRef,
} from '../../api';
import type { Resource, TemplateVersion } from '../../api/types';
import { fixtureResource, fixtureTemplates, fixtureVersions } from '../../__fixtures__';
import { InfraKitchenPage } from './InfraKitchenPage';

const server = setupServer();
registerMswTestHooks(server);
const BASE = 'http://backstage.test/api/proxy/infrakitchen/api/v1';

const failed: Resource = { ...fixtureResource, id: 'r-failed', name: 'cache', status: 'error', entity_ref: 'system:default/shop' };

/** Every request the page made, as "GET /path?query" below the API's base. */
let requests: string[] = [];
beforeEach(() => {
  requests = [];
  server.events.on('request:start', ({ request }) => {
    requests.push(`${request.method} ${request.url.slice(BASE.length)}`);
  });
});
afterEach(() => server.events.removeAllListeners());

function serve(pagination: object = { total: 2, total_pages: 1, page: 1 }) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}/resources/`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      const all = [fixtureResource, failed];
      const status = query.get('status');
      return HttpResponse.json(status ? all.filter(r => r.status === status) : all, {
        headers: { 'X-Pagination': JSON.stringify(pagination) },
      });
    }),
    http.get(`${BASE}/templates/`, ({ request }) => {
      const deprecated = new URL(request.url).searchParams.get('deprecated');
      return HttpResponse.json(fixtureTemplates.filter(t => !deprecated || String(t.deprecated) === deprecated));
    }),
    http.get(`${BASE}/templates/:id/versions`, ({ request }) => {
      const deprecated = new URL(request.url).searchParams.get('deprecated');
      return HttpResponse.json(fixtureVersions.filter(v => !deprecated || String(v.deprecated) === deprecated));
    }),
    // The demo template builds on nothing.
    http.get(`${BASE}/templates/:id/dependencies`, () => HttpResponse.json([])),
    http.get(`${BASE}/events/`, async ({ request }) => {
      const wait = Number(new URL(request.url).searchParams.get('wait'));
      if (wait) await delay(50);
      return HttpResponse.json({ events: [], last_id: 0, reset: false });
    }),
  );
  return queries;
}

async function render() {
  const client = new InfraKitchenClient({
    discoveryApi: UrlPatternDiscovery.compile('http://backstage.test/api/{{pluginId}}'),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  const live = new InfraKitchenLiveClient({ infraKitchenApi: client });
  await renderInTestApp(
    <TestApiProvider apis={[[infraKitchenApiRef, client], [infraKitchenLiveApiRef, live]]}>
      <InfraKitchenPage />
    </TestApiProvider>,
  );
}

describe('InfraKitchenPage (through the REST client)', () => {
  it('lists every resource the user can see, with its entity', async () => {
    serve();
    await render();
    const row = await screen.findByTestId('resource-row-cache');
    expect(within(row).getByText('system:default/shop')).toBeInTheDocument();
    expect(within(row).getByText('hello-world@1.0.0')).toBeInTheDocument();
    expect(within(row).getByTestId('last-run')).toHaveTextContent('provision · succeeded');
    expect(screen.getByTestId(`resource-row-${fixtureResource.name}`)).toBeInTheDocument();
    // Template, version and last run come with the resources: no request per row, no template lookup
    // (the list itself may be read twice: the live stream's first subscription resyncs).
    const others = requests.filter(r => !r.startsWith('GET /events/'));
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter(r => r !== 'GET /resources/?page_size=100')).toEqual([]);
  });

  it('says when the total of a long list is the service’s estimate', async () => {
    serve({ total: 123456, total_pages: 1235, page: 1, total_estimated: true });
    await render();
    expect(await screen.findByText(/Showing the newest 2 of about 123,456/)).toBeInTheDocument();
  });

  it('filters by status on the service', async () => {
    const queries = serve();
    await render();
    await screen.findByTestId('resource-row-cache');
    fireEvent.mouseDown(screen.getByRole('button', { name: /Status/ }));
    await userEvent.click(within(await screen.findByRole('listbox')).getByRole('option', { name: 'error' }));
    await screen.findByTestId('resource-row-cache');
    expect(screen.queryByTestId(`resource-row-${fixtureResource.name}`)).not.toBeInTheDocument();
    expect(queries[queries.length - 1].get('status')).toBe('error');
  });

  it('shows each version of a template in the catalog with its lifecycle', async () => {
    serve();
    const version = (v: string, lifecycle: TemplateVersion['lifecycle']): TemplateVersion => ({
      ...fixtureVersions[0],
      id: `v-${v}`,
      version: v,
      lifecycle,
      deprecated: lifecycle === 'deprecated' || lifecycle === 'archived',
    });
    server.use(
      http.get(`${BASE}/templates/:id/versions`, () =>
        HttpResponse.json([
          version('2.0.0', 'preview'),
          version('1.1.0', 'active'),
          version('1.0.0', 'deprecated'),
          version('0.9.0', 'archived'),
        ]),
      ),
    );
    await render();
    await userEvent.click(await screen.findByRole('tab', { name: 'Templates' }));
    const row = await screen.findByTestId('template-row-hello-world');
    expect(await within(row).findByTestId('lifecycle-2.0.0')).toHaveTextContent('2.0.0 · preview');
    expect(within(row).getByTestId('lifecycle-1.1.0')).toHaveTextContent('1.1.0 · active');
    expect(within(row).getByTestId('lifecycle-1.0.0')).toHaveTextContent('1.0.0 · deprecated');
    expect(within(row).getByTestId('lifecycle-0.9.0')).toHaveTextContent('0.9.0 · archived');
    // Every version, whatever its lifecycle: no `deprecated` filter.
    expect(requests).toContain(`GET /templates/${fixtureTemplates[0].id}/versions?page_size=100`);
  });

  it('shows the template catalog and starts a resource from a template', async () => {
    serve();
    await render();
    await userEvent.click(await screen.findByRole('tab', { name: 'Templates' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Create from hello-world' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create a resource' });
    expect(await within(dialog).findByLabelText(/^Catalog entity/)).toBeInTheDocument();
    expect(document.getElementById('ik-var-greeting')).toHaveValue('hello');
    expect(requests).toEqual(
      expect.arrayContaining([
        'GET /templates/?deprecated=false&page_size=100',
        `GET /templates/${fixtureTemplates[0].id}/versions?deprecated=false&page_size=100`,
        `GET /templates/${fixtureTemplates[0].id}/dependencies`,
      ]),
    );
  });
});
