import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { infraKitchenApiRef } from '../api';
import type { Me, ResourceChange, Template } from '../api/types';

/** Who the service takes the caller for (`GET /me`): subject, role, the refs it owns through. */
export function useMe() {
  const api = useApi(infraKitchenApiRef);
  return useAsync(() => api.getMe(), [api]);
}

/**
 * The platform team (roles admin and platform): the service lets only them use versions in preview and
 * decide on any template's changes.
 */
export function isPlatform(me: Pick<Me, 'role'> | undefined): boolean {
  return me?.role === 'admin' || me?.role === 'platform';
}

/**
 * Whether the caller may approve or reject the change, as the service decides it: an open change that needs
 * approval, decided by the platform team or a member of the template's approver group, never by whoever
 * asked for it. Unknown caller or template: not offered (the service would say 403 anyway).
 */
export function mayDecide(
  me: Me | undefined,
  template: Pick<Template, 'approver_group'> | undefined,
  change: Pick<ResourceChange, 'status' | 'requires_approval' | 'requested_by'>,
): boolean {
  if (!me || change.status !== 'open' || !change.requires_approval) return false;
  if (change.requested_by === me.subject) return false;
  const group = template?.approver_group;
  return isPlatform(me) || Boolean(group && me.ownership.includes(group));
}
