import { Database } from '@runlet/event-store';
import { LOG_SEARCH_INDEXES, LogStore, logsMigrations, parseLogSearch } from '@runlet/logs';
import { recreateTestDatabase, REDIS_URL } from '../test/support/database';
import { ms, report, summarize } from './stats';

const SCRIPTS = 20;
const EXECUTIONS_PER_SCRIPT = 50;
const LINES_PER_EXECUTION = 1000;
const TOTAL = SCRIPTS * EXECUTIONS_PER_SCRIPT * LINES_PER_EXECUTION; // 1,000,000
const uuid = (kind: number, n: number) => `00000000-0000-4000-${8000 + kind}-${String(n).padStart(12, '0')}`;

// Server-side generation, one INSERT … SELECT per script: lines spread over 7 days, a level mix
// (1 in 50 an error), ordinary chatter, 1 in 100 a "payment timeout", 1 in 10,000 a rare term.
const FILL_SQL = `
  INSERT INTO execution_logs (execution_id, seq, ts, level, stream, message, script_id)
  SELECT '00000000-0000-4000-8002-' || lpad(($1::int * ${EXECUTIONS_PER_SCRIPT} + e)::text, 12, '0'),
         s,
         timestamptz '2025-01-01' + ((($1::int * ${EXECUTIONS_PER_SCRIPT} + e) * 10) % (7 * 24 * 60)) * interval '1 minute' + s * interval '10 ms',
         CASE WHEN s % 50 = 0 THEN 'error' WHEN s % 10 = 0 THEN 'warn' WHEN s % 3 = 0 THEN 'debug' ELSE 'info' END,
         CASE WHEN s % 50 = 0 THEN 'stderr' ELSE 'stdout' END,
         CASE WHEN s % 10000 = 7 OR (e = 3 AND s = 500) THEN 'found the rare zebra-quokka ' || s
              WHEN s % 100 = 0 THEN 'payment timeout after ' || (s % 30) || 's for order ' || md5(s::text)
              ELSE 'processed item ' || s || ' of batch ' || e || ' in ' || (s % 97) || ' ms: ' || md5((e * s)::text) END,
         '00000000-0000-4000-8001-' || lpad($1::text, 12, '0')
  FROM generate_series(0, ${EXECUTIONS_PER_SCRIPT - 1}) e, generate_series(0, ${LINES_PER_EXECUTION - 1}) s`;

async function timeIt(runs: number, fn: () => Promise<unknown>) {
  await fn(); // warm
  const samples: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out: any = await fn();
    samples.push(performance.now() - t0);
    size = out.items.length;
  }
  return { ...summarize(samples), size };
}

/**
 * Log search over one million stored lines (20 scripts × 50 executions × 1,000 lines) on the
 * local PostgreSQL, through LogStore as the API calls it, with the pool `npm start` uses. Then the
 * text searches again without the trigram index, to show what it buys.
 */
export async function benchLogs(runs = 20): Promise<void> {
  const db = new Database({ url: await recreateTestDatabase('bench_logs'), migrations: logsMigrations });
  await db.migrate();
  // Bulk load without the search indexes, then build them once (much faster than maintaining them row by row).
  const f0 = performance.now();
  for (const name of Object.keys(LOG_SEARCH_INDEXES)) await db.query(`DROP INDEX ${name}`);
  for (let s = 0; s < SCRIPTS; s++) await db.query(FILL_SQL, [s]);
  const fillSeconds = (performance.now() - f0) / 1000;
  const i0 = performance.now();
  for (const [name, on] of Object.entries(LOG_SEARCH_INDEXES))
    await db.query(`CREATE INDEX ${name} ON ${on}`);
  const indexSeconds = (performance.now() - i0) / 1000;
  await db.query('ANALYZE execution_logs');
  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM execution_logs');
  const store = new LogStore(db, REDIS_URL);

  const script = uuid(1, 7);
  const execution = uuid(2, 7 * EXECUTIONS_PER_SCRIPT + 3);
  const search = (params: Parameters<typeof parseLogSearch>[0]) => parseLogSearch(params);
  const cases: [string, () => Promise<unknown>][] = [
    ['execution: first page (1000 lines), no filter', () => store.read(execution)],
    [
      'execution: q=zebra-quokka (rare)',
      () => store.read(execution, { filter: search({ q: 'zebra-quokka' }) }),
    ],
    ['execution: level=error', () => store.read(execution, { filter: search({ level: 'error' }) })],
    ['script: newest 100 lines, no filter', () => store.searchScript(script)],
    [
      'script: q=zebra-quokka (rare, 1 in 10,000)',
      () => store.searchScript(script, { filter: search({ q: 'zebra-quokka' }) }),
    ],
    [
      'script: q=payment timeout (1 in 100)',
      () => store.searchScript(script, { filter: search({ q: 'payment timeout' }) }),
    ],
    [
      'script: q=no-such-term (no match)',
      () => store.searchScript(script, { filter: search({ q: 'no-such-term' }) }),
    ],
    ['script: q=ms (short, no trigram)', () => store.searchScript(script, { filter: search({ q: 'ms' }) })],
    [
      'script: level=error, one day',
      () =>
        store.searchScript(script, {
          filter: search({ level: 'error', from: '2025-01-02', to: '2025-01-03' }),
        }),
    ],
    [
      'script: q=timeout, level=error,warn, one day',
      () =>
        store.searchScript(script, {
          filter: search({ q: 'timeout', level: 'error,warn', from: '2025-01-02', to: '2025-01-03' }),
        }),
    ],
  ];
  const rows: [string, string][] = [
    ['lines stored', String(n)],
    ['bulk insert (INSERT … SELECT generate_series)', `${fillSeconds.toFixed(1)} s`],
    ['building the three search/retention indexes', `${indexSeconds.toFixed(1)} s`],
  ];
  for (const [name, fn] of cases) {
    const r = await timeIt(runs, fn);
    rows.push([name, `p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  (${r.size} lines)`]);
  }
  await db.query('DROP INDEX execution_logs_message_trgm');
  for (const [name, fn] of cases.filter(([name]) => name.includes('q='))) {
    const r = await timeIt(Math.min(runs, 5), fn);
    rows.push([`without trigram index: ${name}`, `p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  (${r.size} lines)`]);
  }
  report(`log search over ${TOTAL.toLocaleString('en')} lines (PostgreSQL, ${runs} runs each)`, rows);
  await store.close();
  await db.close();
}
