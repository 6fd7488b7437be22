import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { launchBrowser, startConsolePlatform } from '../test/support/console-platform';
import { atMost, report } from './stats';

/**
 * The console measured in Chromium (headless, this machine's flags) against the platform as
 * `npm start` runs it (roles: api only, so the 2,000 saved scripts are not built meanwhile): the
 * scripts list with 2,000 scripts (created through the API), the executions list with 100,000
 * executions (rows written straight into the executions read model — running that many would take
 * hours), and the editor's time from a keystroke to the diagnostic underline.
 */
export async function benchConsole(): Promise<void> {
  const platform = await startConsolePlatform('bench_console', { RUNLET_ROLES: 'api' });
  const browser = await launchBrowser(1280, 900);
  try {
    let scriptId = '';
    for (let i = 0; i < 2000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const r = await platform.api('POST', '/api/v1/scripts', {
            name: `bench-${i + j}`,
            code: `export default async (event: RunletEvent, ctx: RunletContext) => ({ n: ${i + j} });`,
          });
          if (r.status !== 201) throw new Error(`create answered ${r.status}`);
          scriptId = r.body.id;
        }),
      );
    }
    await seedExecutions(platform.databaseUrl, scriptId, 100_000);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await browser.context.request.post(`${platform.consoleUrl}/api/session`, {
      data: { key: platform.adminKey },
    });
    const scripts = await timeList(
      page,
      `${platform.consoleUrl}/scripts`,
      '[data-testid=scripts-table] tbody tr',
    );
    const executions = await timeList(
      page,
      `${platform.consoleUrl}/executions`,
      '[data-testid=executions-table] tbody tr',
    );
    const diagnostics = await timeDiagnostics(page, `${platform.consoleUrl}/scripts/${scriptId}`);
    report('console (Chromium headless, 1280x900, cold page load, median of 5)', [
      [
        'scripts list, 2,000 scripts: first render',
        `${scripts.render} ms`,
        atMost(scripts.render, 1000, 'ms'),
      ],
      ['scripts list: interactive', `${scripts.interactive} ms`, atMost(scripts.interactive, 1000, 'ms')],
      [
        'executions list, 100,000 executions: first render',
        `${executions.render} ms`,
        atMost(executions.render, 1000, 'ms'),
      ],
      [
        'executions list: interactive',
        `${executions.interactive} ms`,
        atMost(executions.interactive, 1000, 'ms'),
      ],
      [
        `editor: keystroke → diagnostic shown, median / max of ${diagnostics.n} (CodeMirror's lint delay is 750 ms)`,
        `${diagnostics.median} / ${diagnostics.max} ms`,
      ],
    ]);
  } finally {
    await browser.close();
    await platform.stop();
  }
}

async function seedExecutions(databaseUrl: string, scriptId: string, count: number): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO rm_executions (id, script_id, version, trigger_type, status, input, result, attempt, queued_at, started_at, finished_at, duration_ms)
       SELECT 'bench-exec-' || g, $1, 1, (ARRAY['http','cron','manual'])[1 + g % 3],
              (ARRAY['succeeded','failed','succeeded','timed_out'])[1 + g % 4], '{"n":1}'::jsonb, '{"ok":true}'::jsonb, 1,
              now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval, 5
         FROM generate_series(1, $2) g`,
      [scriptId, count],
    );
  } finally {
    await db.end();
  }
}

/** First render: the first table row painted; interactive: rows there and the main thread idle. */
async function timeList(
  page: Page,
  url: string,
  row: string,
): Promise<{ render: number; interactive: number }> {
  const renders: number[] = [];
  const interactives: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(url);
    await page.waitForSelector(row);
    const t = await page.evaluate(
      () =>
        new Promise<{ render: number; interactive: number }>((resolve) => {
          const render = performance.now();
          requestIdleCallback(() => resolve({ render, interactive: performance.now() }));
        }),
    );
    renders.push(t.render);
    interactives.push(t.interactive);
  }
  return { render: median(renders), interactive: median(interactives) };
}

async function timeDiagnostics(page: Page, url: string): Promise<{ median: number; max: number; n: number }> {
  await page.goto(url);
  await page.waitForSelector('[data-testid=code-editor][data-ready=true]');
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText(`\nconst ok${i}: number = 1;`);
    await page.waitForFunction(() => document.querySelectorAll('.cm-lintRange-error').length === 0);
    await page.evaluate(() => ((window as any).__t0 = performance.now()));
    await page.keyboard.type('x');
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const check = () =>
            document.querySelector('.cm-lintRange-error')
              ? resolve(performance.now() - (window as any).__t0)
              : requestAnimationFrame(check);
          check();
        }),
    );
    samples.push(ms);
    await page.keyboard.press('Backspace');
  }
  return { median: median(samples), max: Math.round(Math.max(...samples)), n: samples.length };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]);
}
