import { CronExpression, CronExpressionParser } from 'cron-parser';
import { ValidationError } from './errors';
import { canonicalTimezone, isRepeatedWallTime, offsetChangeBefore } from './timezone';

export type ScheduleValidation = { ok: true } | { ok: false; message: string };

/**
 * Cron semantics (cron-parser v5 plus two rules of our own):
 * - 5 fields `minute hour day-of-month month day-of-week`, or 6 with `second` first; the macros
 *   `@yearly @annually @monthly @weekly @daily @hourly @minutely @secondly @weekdays @weekends`.
 *   Month/day names (`jan`, `mon-fri`), `L`, `5L` and `5#3` work; hashed `H` values are refused
 *   because cron-parser picks them at random unless seeded, and two schedulers must agree.
 * - Times are wall-clock times in the trigger's zone. A time skipped by spring-forward runs once,
 *   shifted by the gap (02:30 in New York on 2026-03-08 runs at 03:30 EDT), whenever it is asked:
 *   cron-parser finds that run only when started before the change, so we start it there.
 * - A time repeated by fall-back runs once (the first, daylight-time pass) when the hour field is
 *   fixed; with hour `*` (`every 15 minutes`) the repeated hour runs again, so intervals stay even.
 *   This is Vixie cron's rule; cron-parser alone can yield the second pass when started inside it.
 */
const FIELD_NAMES = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;

const MACROS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
  '@minutely': '0 * * * * *',
  '@secondly': '* * * * * *',
  '@weekdays': '0 0 0 * * 1-5',
  '@weekends': '0 0 0 * * 0,6',
};

/** Guards every search loop; a valid expression never needs this many steps between two matches. */
const MAX_STEPS = 100_000;

export function validateSchedule(expression: string, timezone = 'UTC'): ScheduleValidation {
  const problem = scheduleProblem(expression, timezone);
  return problem ? { ok: false, message: problem } : { ok: true };
}

/** Throws a ValidationError naming the problem; returns the canonical zone name. */
export function assertValidSchedule(expression: string, timezone = 'UTC'): string {
  const problem = scheduleProblem(expression, timezone);
  if (problem) throw new ValidationError(problem);
  return canonicalTimezone(timezone)!;
}

/** The next `count` run times strictly after `after`, in increasing order. */
export function nextRuns(expression: string, timezone: string, after: Date, count: number): Date[] {
  const runs: Date[] = [];
  if (count <= 0) return runs;
  for (const run of forward(expression, timezone, after)) {
    runs.push(run);
    if (runs.length >= count) break;
  }
  return runs;
}

/** The next run strictly after `after` (undefined only for schedules that never match again). */
export function nextRun(expression: string, timezone: string, after: Date): Date | undefined {
  return nextRuns(expression, timezone, after, 1)[0];
}

/** The latest run at or before `atOrBefore`: the last element of the forward sequence not after it. */
export function previousRun(expression: string, timezone: string, atOrBefore: Date): Date | undefined {
  const { cron, fixedHour } = compile(expression, timezone, new Date(atOrBefore.getTime() + 1));
  let candidate: Date | undefined;
  for (let i = 0; i < MAX_STEPS && cron.hasPrev(); i++) {
    const run = cron.prev().toDate();
    if (!(fixedHour && isRepeatedWallTime(run, timezone))) {
      candidate = run;
      break;
    }
  }
  if (
    !candidate ||
    !offsetChangeBefore(atOrBefore, timezone, atOrBefore.getTime() - candidate.getTime() + GAP_REACH_MS)
  ) {
    return candidate;
  }
  // A clock change lies between the candidate and `atOrBefore`: cron-parser's backward step can
  // miss a skipped time's shifted run (03:30 EDT for 02:30), so walk forward, which cannot.
  let latest: Date | undefined;
  for (const run of forward(expression, timezone, new Date(candidate.getTime() - 1))) {
    if (run > atOrBefore) break;
    latest = run;
  }
  return latest;
}

/**
 * How long after a clock change cron-parser's start point matters. Asked from inside
 * `[change, change + gap)` it misses the run of a skipped wall time (02:30 → 03:30 EDT) that it
 * finds when asked from before the change; real gaps are 30 or 60 minutes, 3 hours covers them.
 */
const GAP_REACH_MS = 3 * 3_600_000;

function* forward(expression: string, timezone: string, after: Date): Generator<Date> {
  ensureValid(expression, timezone);
  // Start just before a recent clock change so the answer is the same whenever it is asked.
  const change = offsetChangeBefore(after, timezone, GAP_REACH_MS);
  const start = change ? new Date(change.getTime() - 1000) : after;
  const { cron, fixedHour } = compile(expression, timezone, start);
  let last = after.getTime();
  for (let skipped = 0; skipped < MAX_STEPS && cron.hasNext();) {
    const run = cron.next().toDate();
    // Drops runs up to `after` (when started earlier) and a library step that does not move forward.
    if (run.getTime() <= last || (fixedHour && isRepeatedWallTime(run, timezone))) {
      skipped++;
      continue;
    }
    last = run.getTime();
    skipped = 0;
    yield run;
  }
}

interface Compiled {
  cron: CronExpression;
  /** Hour field other than `*`: a repeated fall-back hour must not fire twice. */
  fixedHour: boolean;
}

const validated = new Set<string>();

/** Throws the ValidationError of a bad schedule or zone; remembers the good ones. */
function ensureValid(expression: string, timezone: string): void {
  const cacheKey = `${timezone}\u0000${expression}`;
  if (validated.has(cacheKey)) return;
  assertValidSchedule(expression, timezone);
  if (validated.size > 10_000) validated.clear();
  validated.add(cacheKey);
}

function compile(expression: string, timezone: string, currentDate: Date): Compiled {
  ensureValid(expression, timezone);
  const fields = toSixFields(expression)!;
  return {
    cron: CronExpressionParser.parse(fields.join(' '), { tz: timezone, currentDate }),
    fixedHour: fields[2] !== '*',
  };
}

/** Split into [second, minute, hour, dom, month, dow]; undefined when the field count is wrong. */
function toSixFields(expression: string): string[] | undefined {
  const trimmed = expression.trim();
  const macro = MACROS[trimmed.toLowerCase()];
  if (macro) return macro.split(' ');
  const fields = trimmed.split(/\s+/).filter(Boolean);
  if (fields.length === 5) return ['0', ...fields];
  if (fields.length === 6) return fields;
  return undefined;
}

function scheduleProblem(expression: string, timezone: string): string | undefined {
  if (typeof timezone !== 'string' || !canonicalTimezone(timezone)) return `unknown time zone "${timezone}"`;
  if (typeof expression !== 'string') return 'cron expression must be a string';
  const invalid = `invalid cron expression "${expression}"`;
  const trimmed = expression.trim();
  if (trimmed.startsWith('@') && !MACROS[trimmed.toLowerCase()]) {
    return `${invalid}: unknown macro ${trimmed}; use one of ${Object.keys(MACROS).join(', ')}`;
  }
  const fields = toSixFields(expression);
  if (!fields) {
    const count = trimmed ? trimmed.split(/\s+/).length : 0;
    return (
      `${invalid}: expected 5 fields (minute hour day-of-month month day-of-week) ` +
      `or 6 fields (second minute hour day-of-month month day-of-week), got ${count}`
    );
  }
  // Parse each field alone (the others wildcards) so the message can say which one is wrong.
  for (let i = 0; i < 6; i++) {
    const field = fields[i];
    if (field.split(',').some((part) => /^h(?![a-z])/i.test(part))) {
      return `${invalid}: ${FIELD_NAMES[i]} field value "${field}": hashed (H) values are not supported`;
    }
    const probe = ['0', '*', '*', '*', '*', '*'];
    probe[i] = field;
    try {
      CronExpressionParser.parse(probe.join(' '), { tz: 'UTC' });
    } catch (err) {
      return `${invalid}: ${FIELD_NAMES[i]} field ${describeFieldError(field, (err as Error).message)}`;
    }
  }
  try {
    const cron = CronExpressionParser.parse(fields.join(' '), { tz: timezone });
    cron.next();
  } catch (err) {
    const message = (err as Error).message;
    if (/day of month/i.test(message)) {
      return `${invalid}: the day-of-month "${fields[3]}" never occurs in month "${fields[4]}"`;
    }
    if (/loop limit/i.test(message)) return `${invalid}: the expression never matches a date`;
    return `${invalid}: ${message}`;
  }
  return undefined;
}

/** Turns cron-parser's wording into "value 61 is out of range 0-59" and the like. */
function describeFieldError(field: string, message: string): string {
  let m = /got value (\S+) expected range (\d+)-(\d+)/.exec(message);
  if (m) return `value ${m[1]} is out of range ${m[2]}-${m[3]}`;
  m = /got range (\S+) expected range (\d+)-(\d+)/.exec(message);
  if (m) return `value "${field}" is out of range ${m[2]}-${m[3]}`;
  if (/repeat at every 0/.test(message)) return `value "${field}": the step must be at least 1`;
  m = /Invalid range: (\S+), min\((\d+)\) > max\((\d+)\)/.exec(message);
  if (m) return `value "${field}": range ${m[1]} runs backwards (${m[2]} > ${m[3]})`;
  m = /got value: (.+)$/.exec(message) ?? /cannot resolve alias "([^"]*)"/.exec(message);
  if (m)
    return m[1] === field ? `value "${field}" is not valid` : `value "${field}" is not valid ("${m[1]}")`;
  return `value "${field}" is not valid (${message})`;
}
