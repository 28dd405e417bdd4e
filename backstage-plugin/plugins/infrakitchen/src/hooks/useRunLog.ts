import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { infraKitchenApiRef, infraKitchenLiveApiRef } from '../api';
import type { RunLogChunk } from '../api/types';

export interface RunLogState {
  lines: string[];
  complete: boolean;
  error?: Error;
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/**
 * A run's log: read over REST from offset 0, then followed live. Live chunks that overlap what is
 * already shown are trimmed; a gap (a chunk starting past the end) is filled from REST first.
 */
export function useRunLog(runId: string | undefined): RunLogState {
  const api = useApi(infraKitchenApiRef);
  const live = useApi(infraKitchenLiveApiRef);
  const [state, setState] = useState<RunLogState>({ lines: [], complete: false });
  const linesRef = useRef<string[]>([]);
  const fetching = useRef<Promise<void> | undefined>(undefined);

  const append = useCallback((chunk: RunLogChunk) => {
    const have = linesRef.current.length;
    if (chunk.offset > have) return false;
    const fresh = chunk.lines.slice(have - chunk.offset);
    if (fresh.length) {
      linesRef.current = [...linesRef.current, ...fresh];
      setState(s => ({ ...s, lines: linesRef.current }));
    }
    return true;
  }, []);

  const catchUp = useCallback(() => {
    if (!runId) return Promise.resolve();
    if (fetching.current) return fetching.current;
    const work = (async () => {
      for (;;) {
        const offset = linesRef.current.length;
        const page = await api.getRunLogs({ runId, offset });
        append({ offset: page.offset, lines: page.lines });
        const complete = page.complete || (TERMINAL.includes(page.run_status) && !page.lines.length);
        if (complete) setState(s => ({ ...s, complete: true }));
        if (!page.lines.length || page.next_offset <= offset) break;
      }
    })()
      .catch(error => setState(s => ({ ...s, error })))
      .finally(() => {
        fetching.current = undefined;
      });
    fetching.current = work;
    return work;
  }, [api, runId, append]);

  useEffect(() => {
    linesRef.current = [];
    setState({ lines: [], complete: false });
    if (!runId) return undefined;
    catchUp();
    return live.subscribe(
      { runId },
      {
        onEvent: event => {
          if (event.type === 'run.log') {
            if (!append(event.data as RunLogChunk)) catchUp();
          } else if (event.type === 'run.finished') {
            catchUp();
          }
        },
        onResync: () => {
          catchUp();
        },
      },
    );
  }, [live, runId, append, catchUp]);

  return state;
}
