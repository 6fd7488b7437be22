'use client';
import { useSearchParams } from 'next/navigation';

/**
 * A list's filters kept in the page's query string, so a filtered view can be reloaded and shared,
 * and Back/Forward step through filter changes. Each change is a history entry (the native
 * History API, which Next.js keeps `useSearchParams` in step with: no server round trip).
 */
export function useUrlFilters<K extends string>(
  keys: readonly K[],
): [Record<K, string>, (key: K, value: string) => void] {
  const search = useSearchParams();
  const values = Object.fromEntries(keys.map((k) => [k, search.get(k) ?? ''])) as Record<K, string>;
  const set = (key: K, value: string) => {
    // From the location, not this render's params: two changes in one tick both stay.
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    if (next.toString() === window.location.search.slice(1)) return;
    const query = next.toString();
    window.history.pushState(null, '', query ? `?${query}` : window.location.pathname);
  };
  return [values, set];
}
