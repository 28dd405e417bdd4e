import { createApiRef } from '@backstage/core-plugin-api';
import type { LiveTopic } from './types';
import type { LiveHandlers, LiveStatus } from '../live/types';

/** The service's live event stream: one connection per page, shared by every view on it. */
export interface InfraKitchenLiveApi {
  /** Follows a topic live (WebSocket, else long-poll, else interval refresh); returns the unsubscribe. */
  subscribe(topic: LiveTopic, handlers: LiveHandlers): () => void;
  /** Current transport of the live stream, and changes to it; returns the unsubscribe. */
  liveStatus(listener: (status: LiveStatus) => void): () => void;
}

export const infraKitchenLiveApiRef = createApiRef<InfraKitchenLiveApi>({
  id: 'plugin.infrakitchen.live',
});
