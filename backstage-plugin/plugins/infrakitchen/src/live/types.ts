import type { LiveEvent } from '../api/types';

/**
 * - `connecting`: no transport yet
 * - `live`: the WebSocket is authenticated and subscribed
 * - `polling`: long-polling `GET /events`
 * - `interval`: the service has no event stream; views refetch on a timer
 */
export type LiveStatus = 'connecting' | 'live' | 'polling' | 'interval';

export interface LiveHandlers {
  /** A new event, never one seen before on this subscription. */
  onEvent(event: LiveEvent): void;
  /**
   * The view may have missed events (first subscription, retention reset, or interval fallback):
   * refetch over REST without clearing what is shown.
   */
  onResync(): void;
}
