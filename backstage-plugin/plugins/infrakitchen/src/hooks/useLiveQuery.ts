import { useCallback, useEffect, useRef, useState } from 'react';

export interface LiveQuery<T> {
  value?: T;
  error?: Error;
  /** True only for the first load (and after retry): refreshes keep showing the current value. */
  loading: boolean;
  retry(): void;
  /** Refetch without showing a loading state. */
  refresh(): void;
  /** Apply a change (e.g. a live event) to the current value. */
  update(fn: (current: T) => T): void;
}

/**
 * Like react-use's useAsyncRetry, but a refresh never drops the current value: live updates and resyncs
 * must not unmount what the user has open (a drawer, a half-filled form).
 */
export function useLiveQuery<T>(load: () => Promise<T>, deps: unknown[]): LiveQuery<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({
    loading: true,
  });
  const generation = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableLoad = useCallback(load, deps);

  const run = useCallback(
    (quiet: boolean) => {
      const current = ++generation.current;
      if (!quiet) setState(s => ({ ...s, loading: true, error: undefined }));
      stableLoad().then(
        value => {
          if (current === generation.current) setState({ value, loading: false });
        },
        error => {
          if (current !== generation.current) return;
          // A failed background refresh keeps what is shown; a failed first load shows the error.
          setState(s => (quiet && s.value !== undefined ? s : { ...s, error, loading: false }));
        },
      );
    },
    [stableLoad],
  );

  useEffect(() => {
    setState({ loading: true });
    run(false);
  }, [run]);

  const update = useCallback((fn: (current: T) => T) => {
    setState(s => (s.value === undefined ? s : { ...s, value: fn(s.value) }));
  }, []);

  return {
    ...state,
    retry: useCallback(() => run(false), [run]),
    refresh: useCallback(() => run(true), [run]),
    update,
  };
}
