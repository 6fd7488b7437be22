/** Replacement for every occurrence of a secret. */
export const MASK = '***';

/** Values shorter than this are not masked: masking "a" or "1" would shred every log line. */
const MIN_SECRET_LENGTH = 4;

/** The textual forms a secret may take once a script has printed or serialised it. */
function formsOf(value: string): string[] {
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  const jsonEscaped = JSON.stringify(value).slice(1, -1);
  return [value, b64, b64.replace(/=+$/, ''), Buffer.from(value, 'utf8').toString('base64url'), jsonEscaped];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Builds a function that replaces each secret value, its base64 form and its JSON-escaped form
 * with `***`. Longer forms are tried first so a secret containing another one is masked whole.
 */
export function createMasker(secretValues: string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const value of secretValues) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    for (const form of formsOf(value)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  if (forms.size === 0) return (text) => text;
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ordered.map(escapeRegExp).join('|'), 'g');
  return (text) => (typeof text === 'string' ? text.replace(pattern, MASK) : text);
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
