import { asPlanSummary, asUpgrade } from './payloadFields';

describe('asUpgrade', () => {
  it('reads {version_id, version}, and nothing from any other shape', () => {
    expect(asUpgrade({ version_id: 'v2', version: '2.0.0' })).toEqual({ version_id: 'v2', version: '2.0.0' });
    expect(asUpgrade(null)).toBeNull();
    expect(asUpgrade(undefined)).toBeNull();
    expect(asUpgrade({})).toBeNull();
    expect(asUpgrade({ version_id: 'v2' })).toBeNull();
  });
});

describe('asPlanSummary', () => {
  it('reads counts and addresses as the worker writes them', () => {
    const summary = asPlanSummary({
      add: 1,
      change: 2,
      destroy: 0,
      has_changes: true,
      resources: [{ address: 'terraform_data.greeter[1]', actions: ['create'] }],
      drifted: [],
    });
    expect(summary).toEqual({
      add: 1,
      change: 2,
      destroy: 0,
      has_changes: true,
      resources: [{ address: 'terraform_data.greeter[1]', actions: ['create'] }],
    });
  });

  it('is nothing until the plan ended, and fills what a summary leaves out', () => {
    expect(asPlanSummary(null)).toBeNull();
    expect(asPlanSummary({ destroy: 3 })).toEqual({
      add: 0,
      change: 0,
      destroy: 3,
      has_changes: true,
      resources: [],
    });
  });
});
