import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { http, HttpResponse } from 'msw';

export const BASE_URL = 'http://infrakitchen.test:7777';
export const LOCATION_KEY = `infrakitchen-provider:${BASE_URL}`;

/** An entity as the service's catalog feed sends it. */
export function resourceEntity(name: string, status = 'done'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      title: name,
      description: `${name} from hello-world`,
      annotations: {
        'infrakitchen.io/resource-id': `00000000-0000-0000-0000-${name.padStart(12, '0').slice(-12)}`,
        'infrakitchen.io/template': 'hello-world',
        'infrakitchen.io/template-version': '1.0.0',
        'infrakitchen.io/state': 'provisioned',
        'infrakitchen.io/status': status,
        'backstage.io/managed-by-location': `url:${BASE_URL}/api/v1/resources/${name}`,
        'backstage.io/managed-by-origin-location': `url:${BASE_URL}/api/v1/resources/${name}`,
      },
      tags: ['infrakitchen'],
      links: [{ url: `${BASE_URL}/api/v1/resources/${name}`, title: 'InfraKitchen' }],
    },
    spec: {
      type: 'hello-world',
      owner: 'group:default/team-a',
      lifecycle: 'production',
      dependencyOf: ['component:default/shop'],
      dependsOn: [],
    },
  };
}

/** A page of the feed, with the service's defaults for what a test leaves out. */
export function page(
  fields: Partial<{ entities: Entity[]; removed: string[]; next_cursor: string | null; last_event_id: number; more: boolean }>,
) {
  return { entities: [], removed: [], next_cursor: null, last_event_id: 0, more: false, ...fields };
}

type Answer = Response | (() => Response);

export interface FakeRequest {
  query: Record<string, string>;
  authorization: string | null;
}

/**
 * The InfraKitchen catalog feed for msw: scripted answers for full reads (no `after`) and for long polls
 * (`after`), in order. A long poll with no scripted answer left is held open until the client aborts it,
 * as the service holds it for `wait` seconds.
 */
export class FakeCatalogFeed {
  readonly requests: FakeRequest[] = [];
  readonly #reads: Answer[] = [];
  readonly #polls: Answer[] = [];
  #held = 0;
  #listeners: Array<() => void> = [];

  /** Full-read pages (or error answers) in the order they are asked for. */
  answerReads(...answers: Answer[]): this {
    this.#reads.push(...answers);
    return this;
  }

  /** Long-poll answers in order; after the last one, polls are held open. */
  answerPolls(...answers: Answer[]): this {
    this.#polls.push(...answers);
    return this;
  }

  /** How many long polls are held open now. */
  get held(): number {
    return this.#held;
  }

  readonly handler = http.get(`${BASE_URL}/api/v1/catalog/entities`, async ({ request }) => {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    this.requests.push({ query, authorization: request.headers.get('authorization') });
    this.#changed();
    const queue = 'after' in query ? this.#polls : this.#reads;
    const answer = queue.shift();
    if (answer) return typeof answer === 'function' ? answer() : answer;
    if (!('after' in query)) return HttpResponse.json({ message: 'no full read scripted' }, { status: 500 });
    this.#held += 1;
    this.#changed();
    await new Promise<void>(resolve => {
      if (request.signal.aborted) resolve();
      else request.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.#held -= 1;
    this.#changed();
    return HttpResponse.json(page({ last_event_id: Number(query.after) }));
  });

  /** Resolves once `predicate` holds (checked on every request and every change of `held`). */
  until(predicate: () => boolean): Promise<void> {
    return waitUntil(predicate, this.#listeners);
  }

  #changed() {
    this.#listeners.splice(0).forEach(listener => listener());
  }
}

/** A catalog connection that records the mutations it is given. */
export class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  #listeners: Array<() => void> = [];

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    this.mutations.push(mutation);
    this.#listeners.splice(0).forEach(listener => listener());
  }

  async refresh(): Promise<void> {}

  until(predicate: (mutations: EntityProviderMutation[]) => boolean): Promise<void> {
    return waitUntil(() => predicate(this.mutations), this.#listeners);
  }
}

function waitUntil(predicate: () => boolean, listeners: Array<() => void>): Promise<void> {
  return new Promise(resolve => {
    const check = () => {
      if (predicate()) resolve();
      else listeners.push(check);
    };
    check();
  });
}

/** The providers a module adds, through a stand-in for the catalog's processing extension point. */
export function catalogProcessingRecorder() {
  const providers: EntityProvider[] = [];
  return {
    providers,
    extensionPoint: {
      addEntityProvider(...added: Array<EntityProvider | EntityProvider[]>) {
        providers.push(...added.flat());
      },
    },
  };
}
