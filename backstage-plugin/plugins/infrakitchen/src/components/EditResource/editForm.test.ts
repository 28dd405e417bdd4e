import type { TemplateVersion } from '../../api/types';
import { fixtureResource, fixtureVersions } from '../../__fixtures__';
import { asVariables } from '../../api/payloadFields';
import {
  changedVariables,
  droppedNames,
  frozenNames,
  isNeverApplied,
  versionChoices,
  versionLabel,
} from './editForm';

// hello-world 1.0.0: api_key (sensitive, optional), greeting (default hello), name (required), replicas (1).
const [v1] = fixtureVersions;
// The demo resource: name world, replicas 2, api_key set (masked).
const current = asVariables(fixtureResource.variables);

function changed(edits: Record<string, string>, readOnly: string[] = []) {
  return changedVariables({ variables: v1.variables, readOnly, current, edits });
}

const version = (id: string, lifecycle: TemplateVersion['lifecycle']): TemplateVersion => ({
  ...v1,
  id,
  version: id,
  lifecycle,
  deprecated: lifecycle === 'deprecated' || lifecycle === 'archived',
});

describe('changedVariables', () => {
  it('sends nothing for fields left as they were, the masked secret included', () => {
    expect(changed({})).toEqual({ variables: {}, errors: {} });
    expect(changed({ name: 'world', replicas: '2' })).toEqual({ variables: {}, errors: {} });
  });

  it('sends only what was edited, parsed by type', () => {
    expect(changed({ name: 'moon', replicas: '3' })).toEqual({
      variables: { name: 'moon', replicas: 3 },
      errors: {},
    });
    expect(changed({ replicas: 'many' }).errors).toEqual({ replicas: 'expected a number' });
  });

  it('sends a sensitive value only when one is typed', () => {
    expect(changed({ api_key: '' }).variables).toEqual({});
    expect(changed({ api_key: 'new-secret' }).variables).toEqual({ api_key: 'new-secret' });
  });

  it('removes an emptied optional value (null: the default applies), and refuses an emptied required one', () => {
    expect(changed({ replicas: '' }).variables).toEqual({ replicas: null });
    expect(changed({ name: '' }).errors).toEqual({ name: 'required' });
  });

  it('never sends a wired or frozen variable, whatever the field says', () => {
    expect(changed({ name: 'moon', replicas: '5' }, ['name', 'replicas'])).toEqual({
      variables: {},
      errors: {},
    });
  });

  it('requires a new required variable of another version that has no value yet', () => {
    const next: TemplateVersion = {
      ...v1,
      variables: [...v1.variables, { ...v1.variables[2], name: 'region', description: null }],
    };
    const result = changedVariables({ variables: next.variables, readOnly: [], current, edits: {} });
    expect(result.errors).toEqual({ region: 'required' });
    const given = changedVariables({
      variables: next.variables,
      readOnly: [],
      current,
      edits: { region: 'eu-west-1' },
    });
    expect(given).toEqual({ variables: { region: 'eu-west-1' }, errors: {} });
  });
});

describe('versions an edit may pick', () => {
  const versions = [
    version('2.0.0-rc', 'preview'),
    version('1.2.0', 'active'),
    version('1.1.0', 'deprecated'),
    version('1.0.0', 'archived'),
    version('0.9.0', 'deprecated'),
  ];

  it('offers active versions and the resource’s own, never a deprecated or archived target', () => {
    const ids = versionChoices(versions, '1.1.0', { preview: false }).map(v => v.id);
    expect(ids).toEqual(['1.2.0', '1.1.0']);
  });

  it('offers versions in preview only to whoever the service lets use them', () => {
    expect(versionChoices(versions, '1.2.0', { preview: true }).map(v => v.id)).toEqual([
      '2.0.0-rc',
      '1.2.0',
    ]);
  });

  it('labels the current version and any lifecycle but active', () => {
    expect(versionLabel(versions[2], '1.1.0')).toBe('1.1.0 (current, deprecated)');
    expect(versionLabel(versions[1], '1.1.0')).toBe('1.2.0');
    expect(versionLabel(versions[0], '1.1.0')).toBe('2.0.0-rc (preview)');
  });
});

describe('editForm', () => {
  it('lists the values a version does not declare as dropped', () => {
    const slim: TemplateVersion = { ...v1, variables: v1.variables.filter(v => v.name !== 'replicas') };
    expect(droppedNames(slim, current)).toEqual(['replicas']);
    expect(droppedNames(v1, current)).toEqual([]);
  });

  it('reads the frozen variables from the version’s rules', () => {
    const rules = { name: { frozen: true }, replicas: { frozen: false, max: 5 }, greeting: 'junk' };
    expect(frozenNames({ variable_rules: rules })).toEqual(['name']);
    expect(frozenNames(undefined)).toEqual([]);
  });

  it('tells a resource never applied (edited in place) from one applied', () => {
    expect(isNeverApplied({ state: 'provision', status: 'ready' })).toBe(true);
    expect(isNeverApplied({ state: 'provision', status: 'approval_pending' })).toBe(true);
    expect(isNeverApplied({ state: 'provision', status: 'error' })).toBe(false);
    expect(isNeverApplied({ state: 'provisioned', status: 'done' })).toBe(false);
  });
});
