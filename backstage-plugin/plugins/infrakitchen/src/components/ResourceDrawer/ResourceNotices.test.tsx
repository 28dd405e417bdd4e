import { render } from '@testing-library/react';
import { fixtureResource } from '../../__fixtures__';
import type { Resource } from '../../api/types';
import { ApprovalNotice } from './ResourceNotices';

const asked = {
  action: 'destroy' as const,
  requested_by: 'user:default/ann',
  requested_at: '2026-12-03T07:00:00Z',
  approved: null,
  decided_by: null,
  decided_at: null,
  reason: null,
};

function notice(resource: Partial<Resource>) {
  const { container } = render(<ApprovalNotice resource={{ ...fixtureResource, ...resource } as Resource} />);
  return container.querySelector('[data-testid="approval"]');
}

describe('ApprovalNotice', () => {
  it('says a destroy waits for approval and who asked', () => {
    expect(notice({ state: 'destroy', status: 'approval_pending', approval: asked })).toHaveTextContent(
      /Destroy waits for approval.*Asked by user:default\/ann/,
    );
  });

  it('shows who approved, the reason, and what the owner does next', () => {
    const approval = { ...asked, approved: true, decided_by: 'user:default/sre', reason: 'end of life' };
    expect(notice({ state: 'destroy', status: 'ready', approval })).toHaveTextContent(
      'Destroy approved by user:default/sre: “end of life”. Destroy it to go ahead.',
    );
  });

  it('shows a rejection, and nothing without an approval or while a run is under way', () => {
    const approval = { ...asked, approved: false, decided_by: 'user:default/sre', reason: 'still used' };
    expect(notice({ state: 'provisioned', status: 'done', approval })).toHaveTextContent(
      'Destroy rejected by user:default/sre: “still used”.',
    );
    expect(notice({ state: 'destroy', status: 'queued', approval })).toBeNull();
  });
});
