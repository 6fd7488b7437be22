import type { LogLevel } from '@runlet/contracts';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
/** Longest `q`: a search term, not a document. */
export const MAX_QUERY_CHARS = 1000;

/** What a log search keeps: every given condition must hold. */
export interface LogSearchFilter {
  /** Substring of the message, case-insensitive. */
  q?: string;
  /** Any of these levels. */
  levels?: LogLevel[];
  /** ts >= from (inclusive). */
  from?: Date;
  /** ts < to (exclusive). */
  to?: Date;
}

/** A search parameter that cannot mean anything; its message names the parameter and says why (a 400). */
export class InvalidLogSearch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidLogSearch';
  }
}

/** The query-string form, as a user sends it. */
export interface LogSearchParams {
  q?: string;
  level?: string;
  from?: string;
  to?: string;
}

/** Checks and parses the parameters; throws InvalidLogSearch with a precise message. An empty parameter is absent. */
export function parseLogSearch(params: LogSearchParams): LogSearchFilter {
  const filter: LogSearchFilter = {};
  if (params.q !== undefined && params.q !== '') {
    if (params.q.length > MAX_QUERY_CHARS) {
      throw new InvalidLogSearch(`q must be at most ${MAX_QUERY_CHARS} characters, got ${params.q.length}`);
    }
    filter.q = params.q;
  }
  if (params.level !== undefined && params.level !== '') filter.levels = parseLevels(params.level);
  if (params.from !== undefined && params.from !== '') filter.from = parseInstant('from', params.from);
  if (params.to !== undefined && params.to !== '') filter.to = parseInstant('to', params.to);
  if (filter.from && filter.to && filter.from.getTime() > filter.to.getTime()) {
    throw new InvalidLogSearch(
      `from (${filter.from.toISOString()}) must not be after to (${filter.to.toISOString()})`,
    );
  }
  return filter;
}

/** `warn` or `warn,error`: each one of the four levels. */
function parseLevels(raw: string): LogLevel[] {
  const levels = raw.split(',').map((l) => l.trim());
  const unknown = levels.filter((l) => !(LOG_LEVELS as readonly string[]).includes(l));
  if (unknown.length > 0) {
    throw new InvalidLogSearch(
      `level must be one or more of ${LOG_LEVELS.join(', ')} (comma-separated), got ${unknown
        .map((l) => JSON.stringify(l))
        .join(', ')}`,
    );
  }
  return [...new Set(levels as LogLevel[])];
}

// A date (midnight UTC), or a date-time with seconds optional, a fraction optional and a zone
// required: a time without a zone would mean the server's local time, which a caller cannot know.
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

function parseInstant(name: string, raw: string): Date {
  const m = INSTANT.exec(raw);
  const bad = () =>
    new InvalidLogSearch(
      `${name} must be an ISO-8601 date (2025-01-31) or date-time with a time zone (2025-01-31T12:00:00Z), got ${JSON.stringify(raw)}`,
    );
  if (!m) throw bad();
  const [, y, mo, d, h, mi, s] = m.map((v) => (v === undefined ? undefined : Number(v)));
  const calendarDay = new Date(Date.UTC(y!, mo! - 1, d!));
  // Date.UTC rolls 2025-02-30 over into March; such a date is refused instead.
  if (
    calendarDay.getUTCFullYear() !== y ||
    calendarDay.getUTCMonth() !== mo! - 1 ||
    calendarDay.getUTCDate() !== d
  ) {
    throw bad();
  }
  if ((h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59) throw bad();
  const time = Date.parse(m[4] === undefined ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(time)) throw bad();
  return new Date(time);
}

/** The LIKE pattern for `q`: its own `%`, `_` and `\` match themselves. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Whether a trigram index can narrow a search for `q`: pg_trgm takes trigrams only from runs of
 * letters and digits, so a term without three in a row would make the index return every row.
 */
export function trigramIndexable(q: string): boolean {
  return /[\p{L}\p{N}]{3}/u.test(q);
}
