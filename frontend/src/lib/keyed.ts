/**
 * An answer tagged with the key it was loaded for. A consumer compares the key with the one it asks for now, so
 * a value or error of an earlier key (the previous run, variable or model) is never shown as the current one.
 */

export interface Keyed<T> {
  /** The key `value` and `error` belong to (`null`: nothing loaded yet). */
  key: string | null;
  value: T | null;
  error: Error | null;
}

export const NOTHING: Keyed<never> = { key: null, value: null, error: null };

/** The value loaded for `key`, or `null` while `key` is still loading (never another key's value). */
export function valueFor<T>(state: Keyed<T>, key: string | null): T | null {
  return key !== null && state.key === key ? state.value : null;
}

/** The error of loading `key`, or `null` (an earlier key's error is not this key's). */
export function errorFor<T>(state: Keyed<T>, key: string | null): Error | null {
  return key !== null && state.key === key ? state.error : null;
}
