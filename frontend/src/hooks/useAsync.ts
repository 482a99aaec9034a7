/**
 * Runs an API call when its key changes, aborting the previous one. The answer comes back tagged with the key it
 * was loaded for (`lib/keyed`): callers take it through `valueFor(state, key)`, so while a new key loads they see
 * nothing rather than the previous key's answer (the map itself keeps its last picture until the next is ready).
 * A `null` key means "nothing to load".
 */
import { useEffect, useState } from 'react';
import { NOTHING, type Keyed } from '../lib/keyed';

export function useAsync<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Keyed<T> {
  const [state, setState] = useState<Keyed<T>>(NOTHING);
  useEffect(() => {
    if (key === null) return;
    const abort = new AbortController();
    load(abort.signal).then(
      (value) => {
        if (!abort.signal.aborted) setState({ key, value, error: null });
      },
      (error: Error) => {
        if (!abort.signal.aborted) setState({ key, value: null, error });
      },
    );
    return () => abort.abort();
    // `load` is rebuilt every render; `key` names everything it depends on.
  }, [key]);
  return state;
}
