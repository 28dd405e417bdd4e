import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef } from '../api';
import type { LiveStatus } from '../live/types';

/** How the page currently follows the service: socket, long-poll or timed refresh. */
export function useLiveStatus(): LiveStatus {
  const api = useApi(infraKitchenApiRef);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  useEffect(() => api.liveStatus(setStatus), [api]);
  return status;
}
