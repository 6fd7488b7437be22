import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ConsolePlatform, startConsolePlatform } from '../support/console-platform';
import { ConsoleBrowser, WIDTHS } from './support/console-browser';
import { replaceCode } from './support/editor-page';

/**
 * The console in Debian's Chromium against the platform as `npm start` runs it: a try-out's log
 * lines arrive while it runs (over the execution's log stream through the console's proxy), and
 * the executions list, the audit log, a script's history and an execution's log search show what
 * the API's filters return, over more executions and events than one page holds; the filters are
 * kept in the page's URL (reload, a shared link, Back and Forward); a running try-out can be
 * cancelled. At desktop and phone width, each on its own platform (the counts are exact).
 * Screenshots go to test-artifacts/console/live-and-filters/<width>/; every page is checked with
 * axe-core, every request stays on the console's origin.
 */
jest.setTimeout(15 * 60_000);

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console', 'live-and-filters');

const SOMETIMES_FAILS = `export default async (event: RunletEvent, ctx: RunletContext) => {
  if ((event.input as any)?.fail) throw new Error('asked to fail');
  ctx.log.info('all good');
  return 'ok';
};
`;
// Logs a line, waits, logs another: the first must be on screen well before the result.
const SLOW_TRY = `export default async (event: RunletEvent, ctx: RunletContext) => {
  ctx.log.info('first live line');
  await new Promise((resolve) => setTimeout(resolve, 8000));
  ctx.log.warn('second live line');
  return { done: true };
};
`;
// Would log a second line after a minute: cancelled before that.
const LONG_TRY = `export default async (event: RunletEvent, ctx: RunletContext) => {
  ctx.log.info('waiting a minute');
  await new Promise((resolve) => setTimeout(resolve, 60000));
  ctx.log.info('not cancelled');
  return { done: true };
};
`;

/** Retries `check` until it stops throwing (the console polls and debounces), or rethrows. */
async function eventually(check: () => Promise<void>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe.each(WIDTHS)('the live console and its filters at %s width', (label, width, height) => {
  let platform: ConsolePlatform;
  let browser: ConsoleBrowser;
  let page: Page;
  let scriptId = '';

  beforeAll(async () => {
    platform = await startConsolePlatform(`console_live_${label}`);
    browser = await ConsoleBrowser.open(platform, { width, height, dir: join(ARTIFACTS, label), label });
    ({ page } = browser);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const shot = (what: string) => browser.shot(what);
  const goto = (path: string) => browser.goto(path);

  /** Runs `code` from the script's page as a try-out, until its log line `firstLine` is shown. */
  async function tryOut(code: string, firstLine: string) {
    await goto(`/scripts/${scriptId}`);
    await page.locator('[data-testid=code-editor][data-ready=true]').waitFor();
    await replaceCode(page, code);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/proxy/try'));
    await page.getByRole('button', { name: 'Run' }).click();
    const output = page.getByTestId('try-output');
    await output.getByText(firstLine).waitFor({ timeout: 180_000 });
    return { output, answered };
  }

  /** The short ids (as the table links show them) of the executions table's rows. */
  async function shownExecutions(): Promise<string[]> {
    if ((await page.getByText('No executions match.').count()) > 0) return [];
    return page.getByTestId('executions-table').locator('tbody tr td:first-child a').allInnerTexts();
  }

  const short = (ids: string[]) => ids.map((id) => id.slice(0, 12)).sort();

  /** A time as a datetime-local field holds it, in the browser's zone, to the second. */
  function localField(ms: number): Promise<string> {
    return page.evaluate((t) => {
      const d = new Date(t);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    }, ms);
  }

  async function run(fail: boolean, wait = true): Promise<string> {
    const res = await platform.api('POST', `/api/v1/scripts/${scriptId}/runs`, { input: { fail }, wait });
    if (res.status !== 200 && res.status !== 202)
      throw new Error(`run: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id ?? res.body.executionId;
  }

  it('signs in and has a built script', async () => {
    await browser.signIn();
    const created = await platform.api('POST', '/api/v1/scripts', {
      name: 'sometimes-fails',
      code: SOMETIMES_FAILS,
    });
    expect(created.status).toBe(201);
    scriptId = created.body.id;
    await eventually(async () => {
      const script = (await platform.api('GET', `/api/v1/scripts/${scriptId}`)).body;
      expect(script.build.status).toBe('succeeded');
      expect(script.deployedVersion).toBe(1);
    }, 180_000);
  });

  let tryId = '';
  it('shows a try-out’s first log line while it still runs, then its result', async () => {
    const { output, answered } = await tryOut(SLOW_TRY, 'first live line');
    // The script sleeps 8 s after the first line: no result, no second line yet.
    expect(await output.getByTestId('try-result').count()).toBe(0);
    expect(await output.getByText('second live line').count()).toBe(0);
    await output.getByText('running').first().waitFor();
    await shot('try-out-live');
    const response = await answered;
    expect(response.status()).toBe(202);
    tryId = (await response.json()).executionId;
    await output.getByTestId('try-result').getByText('"done": true').waitFor({ timeout: 60_000 });
    await output.getByText('second live line').waitFor();
    expect(await output.getByTestId('log-lines').locator('li').allInnerTexts()).toEqual([
      'info first live line',
      'warn second live line',
    ]);
    await shot('try-out-finished');
  });

  const failed: string[] = [];
  const succeeded: string[] = [];
  let boundary = 0;
  it('filters executions by status, trigger and time on the server, over more than one page', async () => {
    for (let i = 0; i < 3; i++) failed.push(await run(true));
    // A whole second between the older executions and the newer ones: the time fields hold seconds.
    await new Promise((r) => setTimeout(r, 1100));
    boundary = Math.ceil(Date.now() / 1000) * 1000;
    await new Promise((r) => setTimeout(r, boundary - Date.now() + 100));
    for (let i = 0; i < 52; i++) succeeded.push(await run(false, false));
    await eventually(async () => {
      const listed = await platform.api(
        'GET',
        `/api/v1/executions?scriptId=${scriptId}&status=succeeded&limit=500`,
      );
      expect(listed.body.items).toHaveLength(52);
    }, 180_000);

    await goto('/executions');
    await eventually(async () => expect(await shownExecutions()).toHaveLength(50));
    // The newest page holds only the newer successes: whatever a filter shows beyond that, the API found.
    expect((await shownExecutions()).every((id) => short(succeeded).includes(id))).toBe(true);
    expect(await page.getByRole('button', { name: 'Older' }).isEnabled()).toBe(true);

    await page.getByLabel('Status').selectOption('failed');
    await eventually(async () => expect((await shownExecutions()).sort()).toEqual(short(failed)));
    await shot('executions-failed');

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Trigger').selectOption('try');
    await eventually(async () => expect(await shownExecutions()).toEqual(short([tryId])));
    await shot('executions-try');

    await page.getByLabel('Trigger').selectOption('');
    await page.getByLabel('Queued before').fill(await localField(boundary));
    await eventually(async () => expect((await shownExecutions()).sort()).toEqual(short([...failed, tryId])));
    await page.getByLabel('Queued before').fill('');
    await page.getByLabel('Queued since').fill(await localField(boundary));
    await eventually(async () => expect(await shownExecutions()).toHaveLength(50));
    await page.getByRole('button', { name: 'Older' }).click();
    await eventually(async () => expect(await shownExecutions()).toHaveLength(2));
    await shot('executions-since-page-2');
    // A range the API refuses: its message, and none of the rows of the filter before.
    await page.getByLabel('Queued before').fill(await localField(boundary - 60_000));
    await page.getByRole('alert').getByText('must not be after to').waitFor();
    expect(await shownExecutions()).toEqual([]);
    await shot('executions-refused-range');
  });

  it('keeps a filtered list live: a new failed execution appears without a reload', async () => {
    await goto('/executions');
    await page.getByLabel('Status').selectOption('failed');
    await eventually(async () => expect((await shownExecutions()).sort()).toEqual(short(failed)));
    failed.push(await run(true));
    await eventually(async () => expect((await shownExecutions()).sort()).toEqual(short(failed)));
    await shot('executions-failed-live');
  });

  it('filters the audit log and the script history by event type on the server', async () => {
    const all = await platform.api('GET', '/api/v1/events?limit=1000');
    expect(all.body.items.length).toBeGreaterThan(100); // more than the page the console loads

    await goto('/audit');
    await page.getByLabel('Event types (comma-separated)').fill('ExecutionFailed');
    const events = page.getByTestId('events');
    await eventually(async () => expect(await events.locator('[data-event-type]').count()).toBe(4));
    expect(await events.locator('[data-event-type=ExecutionFailed]').count()).toBe(4);
    await shot('audit-failed');

    await page.getByLabel('Event types (comma-separated)').fill('ExecutionExploded');
    await page.getByRole('alert').getByText('type must be one or more event types').waitFor();

    // The last failure is past the first 100 events of the script's history.
    await goto(`/audit?scriptId=${scriptId}`);
    await page.getByLabel('Event types (comma-separated)').fill('ExecutionFailed');
    await eventually(async () => expect(await events.locator('[data-event-type]').count()).toBe(4));
    expect(await events.locator('[data-event-type=ExecutionFailed]').count()).toBe(4);
    await shot('script-history-failed');
  });

  it("searches an execution's logs through the API", async () => {
    await goto(`/executions/${tryId}`);
    const lines = page.getByTestId('log-lines');
    await lines.getByText('second live line').waitFor();
    const searched = page.waitForRequest((r) => /\/logs\?.*level=warn/.test(r.url()));
    await page.getByLabel('Level').selectOption('warn');
    await searched;
    await eventually(async () =>
      expect(await lines.locator('li').allInnerTexts()).toEqual(['warn second live line']),
    );
    await page.getByLabel('Level').selectOption('');
    const texted = page.waitForRequest((r) => /\/logs\?.*q=FIRST/.test(r.url()));
    await page.getByLabel('Search logs').fill('FIRST');
    await texted;
    await eventually(async () =>
      expect(await lines.locator('li').allInnerTexts()).toEqual(['info first live line']),
    );
    await shot('execution-log-search');
  });

  it('keeps the executions filters in the URL: reload, a shared link, Back and Forward', async () => {
    await goto('/executions');
    await page.getByLabel('Status').selectOption('failed');
    await page.waitForURL(/[?&]status=failed/);
    await eventually(async () => expect((await shownExecutions()).sort()).toEqual(short(failed)));
    await page.getByLabel('Trigger').selectOption('try');
    await page.waitForURL(/status=failed.*triggerType=try|triggerType=try.*status=failed/);
    await page.getByText('No executions match.').waitFor();

    await page.reload();
    await browser.hydrated();
    expect(await page.getByLabel('Status').inputValue()).toBe('failed');
    expect(await page.getByLabel('Trigger').inputValue()).toBe('try');
    await page.getByText('No executions match.').waitFor();
    await shot('executions-filters-reloaded');

    await page.goBack();
    await eventually(async () => expect(await page.getByLabel('Trigger').inputValue()).toBe(''));
    expect(new URL(page.url()).searchParams.get('triggerType')).toBeNull();
    expect(await page.getByLabel('Status').inputValue()).toBe('failed');
    await eventually(async () => expect((await shownExecutions()).sort()).toEqual(short(failed)));
    await page.goForward();
    await eventually(async () => expect(await page.getByLabel('Trigger').inputValue()).toBe('try'));
    await page.getByText('No executions match.').waitFor();

    // A shared link: a time filter is a UTC instant in the URL, shown in the browser's zone.
    await goto(`/executions?status=failed&to=${new Date(boundary).toISOString()}`);
    expect(await page.getByLabel('Queued before').inputValue()).toBe(await localField(boundary));
    // The failures before the boundary: not the one the live list saw appear.
    const before = short(failed.slice(0, 3));
    await eventually(async () => expect((await shownExecutions()).sort()).toEqual(before));
    await shot('executions-shared-link');
  });

  it('keeps the audit filters in the URL: reload and Back', async () => {
    await goto('/audit');
    await page.getByLabel('Event types (comma-separated)').fill('ExecutionFailed');
    await page.waitForURL(/[?&]type=ExecutionFailed/);
    await page.reload();
    await browser.hydrated();
    expect(await page.getByLabel('Event types (comma-separated)').inputValue()).toBe('ExecutionFailed');
    const events = page.getByTestId('events');
    await eventually(async () =>
      expect(await events.locator('[data-event-type=ExecutionFailed]').count()).toBe(4),
    );
    expect(await events.locator('[data-event-type]').count()).toBe(4);

    await page.getByLabel('Event types (comma-separated)').fill('ExecutionSucceeded');
    await page.waitForURL(/[?&]type=ExecutionSucceeded/);
    // Back once the new filter's events are shown, as a user would.
    await events.locator('[data-event-type=ExecutionSucceeded]').first().waitFor();
    await page.goBack();
    await eventually(async () =>
      expect(await page.getByLabel('Event types (comma-separated)').inputValue()).toBe('ExecutionFailed'),
    );
    await eventually(async () => expect(await events.locator('[data-event-type]').count()).toBe(4));
    expect(await events.locator('[data-event-type=ExecutionFailed]').count()).toBe(4);
    await shot('audit-filter-back');
  });

  it('cancels a running try-out from the try panel', async () => {
    const { output, answered } = await tryOut(LONG_TRY, 'waiting a minute');
    const executionId = (await (await answered).json()).executionId;
    await shot('try-out-cancellable');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await output.getByText('cancelled', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    expect((await platform.api('GET', `/api/v1/executions/${executionId}`)).body.status).toBe('cancelled');
    expect(await output.getByText('not cancelled').count()).toBe(0);
    await output.getByTestId('try-cancelled').getByText('no result').waitFor();
    expect(await output.getByTestId('try-result').count()).toBe(0);
    await shot('try-out-cancelled');
  });

  it('kept every request on the console origin, never sent the key, and passed axe', () => {
    expect(browser.problems()).toEqual({ foreignRequests: [], keyLeaks: [], axe: [] });
  });
});
