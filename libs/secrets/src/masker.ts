import { secretForms } from './secret-forms';

/** Replacement for every occurrence of a secret. */
export const MASK = '***';

/** Where secrets' forms occur in a text: sorted, non-overlapping [start, end) ranges. */
export type FindSecrets = (text: string) => Array<[number, number]>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every form of every value (see secretForms), longest first so a secret containing another is found whole. */
export function formsOf(secretValues: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const value of secretValues) for (const form of secretForms(value)) forms.add(form);
  return [...forms].sort((a, b) => b.length - a.length);
}

export function secretFinder(forms: readonly string[]): FindSecrets {
  if (forms.length === 0) return () => [];
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  return (text) => {
    const ranges: Array<[number, number]> = [];
    for (const match of text.matchAll(pattern)) ranges.push([match.index, match.index + match[0].length]);
    return ranges;
  };
}

/** `text` with each range (sorted; overlapping ones merge) replaced by one MASK. */
export function maskRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  if (ranges.length === 0) return text;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of sorted) {
    if (end <= at) continue;
    if (start >= at) out += text.slice(at, start) + MASK;
    at = Math.max(at, end);
  }
  return out + text.slice(at);
}

/**
 * Builds a function that replaces every form of each secret value (see secretForms) with `***`.
 * Values shorter than MIN_SECRET_LENGTH are left alone.
 */
export function createMasker(secretValues: readonly string[]): (text: string) => string {
  const find = secretFinder(formsOf(secretValues));
  return (text) => (typeof text === 'string' ? maskRanges(text, find(text)) : text);
}

/** Applies a masker to every string (keys included) inside a JSON-like value. */
export function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, mask)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      out[mask(key)] = maskDeep(item, mask);
    return out as T;
  }
  return value;
}
