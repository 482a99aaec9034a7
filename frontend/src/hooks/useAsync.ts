/**
 * Runs an API call when its key changes, aborting the previous one; the last good value stays in place while the
 * next loads, so the map never blanks between datasets. A `null` key means "nothing to load".
 */
import { useEffect, useState } from 'react';

export interface AsyncState<T> {
  value: T | null;
  error: Error | null;
}

export function useAsync<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ value: null, error: null });
  useEffect(() => {
    if (key === null) return;
    const abort = new AbortController();
    load(abort.signal).then(
      (value) => setState({ value, error: null }),
      (error: Error) => {
        if (!abort.signal.aborted) setState((s) => ({ ...s, error }));
      },
    );
    return () => abort.abort();
    // `load` is rebuilt every render; `key` names everything it depends on.
  }, [key]);
  return state;
}
