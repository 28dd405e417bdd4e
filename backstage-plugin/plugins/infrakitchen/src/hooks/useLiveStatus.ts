import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenLiveApiRef } from '../api';
import type { LiveStatus } from '../live/types';

/** How the page currently follows the service: socket, long-poll or timed refresh. */
export function useLiveStatus(): LiveStatus {
  const live = useApi(infraKitchenLiveApiRef);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  useEffect(() => live.liveStatus(setStatus), [live]);
  return status;
}
