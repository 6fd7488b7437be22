// IANA time-zone helpers built on Intl, so they know exactly the zones the runtime (and cron-parser) knows.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter printing wall-clock parts in `timeZone`; throws RangeError for an unknown zone. */
function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

export function isValidTimezone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || !timeZone.trim()) return false;
  try {
    wallClockFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling of a zone (`america/new_york` → `America/New_York`), or undefined if unknown. */
export function canonicalTimezone(timeZone: string): string | undefined {
  return isValidTimezone(timeZone) ? wallClockFormatter(timeZone).resolvedOptions().timeZone : undefined;
}

/** Offset of the zone from UTC at `date`, in minutes (New York in winter: -300). */
export function utcOffsetMinutes(date: Date, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of wallClockFormatter(timeZone).formatToParts(date)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wallAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000;
  return Math.round((wallAsUtc - wholeSeconds) / 60_000);
}

/**
 * True when the wall-clock time of `date` already happened earlier because clocks were set back
 * (the second 01:30 on a fall-back day in New York).
 */
export function isRepeatedWallTime(date: Date, timeZone: string): boolean {
  const offset = utcOffsetMinutes(date, timeZone);
  // Real fall-back shifts are 30 or 60 minutes; a 3-hour look-back catches any of them.
  const shift = utcOffsetMinutes(new Date(date.getTime() - 3 * 3_600_000), timeZone) - offset;
  if (shift <= 0) return false;
  const earlier = new Date(date.getTime() - shift * 60_000);
  return utcOffsetMinutes(earlier, timeZone) - offset === shift;
}

const FIXED_OFFSET = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);

/**
 * The first whole second of the latest offset change in `(at - withinMs, at]`, or undefined when
 * the offset is the same at both ends (always so for UTC, which is answered without Intl).
 */
export function offsetChangeBefore(at: Date, timeZone: string, withinMs: number): Date | undefined {
  if (FIXED_OFFSET.has(timeZone)) return undefined;
  let lo = Math.floor((at.getTime() - withinMs) / 1000);
  let hi = Math.floor(at.getTime() / 1000);
  const before = utcOffsetMinutes(new Date(lo * 1000), timeZone);
  if (utcOffsetMinutes(new Date(hi * 1000), timeZone) === before) return undefined;
  // Invariant: offset at lo is `before`, at hi it is not; ~24 steps for a few hours.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (utcOffsetMinutes(new Date(mid * 1000), timeZone) === before) lo = mid;
    else hi = mid;
  }
  return new Date(hi * 1000);
}
