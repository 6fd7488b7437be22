import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ConsolePlatform, startConsolePlatform } from '../support/console-platform';
import { ConsoleBrowser, WIDTHS } from './support/console-browser';
import { replaceCode } from './support/editor-page';

/**
 * The console in Debian's Chromium against the platform as `npm start` runs it, at desktop and
 * phone width. Each step saves a screenshot under test-artifacts/console/<width>/. Every page is
 * checked with axe-core, every request the browser makes must go to the console's own origin, and
 * the API key must never reach the browser (responses, page source, scripts).
 */
jest.setTimeout(15 * 60_000);

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');

const V1 = `import dayjs from 'dayjs';

export default async (event: RunletEvent, ctx: RunletContext) => {
  ctx.log.info('v1 says hello');
  return { year: dayjs('2020-06-01').format('YYYY'), version: 1 };
};
`;
const BROKEN = `import dayjs from 'dayjs';

export default async (event: RunletEvent, ctx: RunletContext) => {
  const count: number = 'not a number';
  return { count, year: dayjs().format('YYYY') };
};
`;
const V2 = `import dayjs from 'dayjs';

export default async (event: RunletEvent, ctx: RunletContext) => {
  ctx.log.info('hello ' + event.input?.name);
  return { greeting: 'hi ' + event.input?.name, year: dayjs('2021-06-01').format('YYYY'), version: 2 };
};
`;
const WITH_SECRET = `export default async (event: RunletEvent, ctx: RunletContext) => {
  const value = ctx.secrets.GREETING ?? '';
  ctx.log.info('secret length ' + value.length);
  return { secretLength: value.length, startsWith: value.slice(0, 3) };
};
`;

let platform: ConsolePlatform;
beforeAll(async () => {
  platform = await startConsolePlatform('console');
});
afterAll(async () => {
  await platform?.stop();
});

describe.each(WIDTHS)('the console at %s width', (label, width, height) => {
  let browser: ConsoleBrowser;
  let context: BrowserContext;
  let page: Page;
  let scriptId = '';
  const name = `hello-${label}`;
  const shot = (what: string) => browser.shot(what);
  const hydrated = () => browser.hydrated();
  const setCode = (code: string) => replaceCode(page, code);

  beforeAll(async () => {
    browser = await ConsoleBrowser.open(platform, { width, height, dir: join(ARTIFACTS, label), label });
    ({ context, page } = browser);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs in with an API key kept in an httpOnly cookie, and signs out', async () => {
    await browser.goto(`/scripts`);
    await page.waitForURL(/\/sign-in/);
    await hydrated();
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('unknown or revoked').waitFor();
    await shot('sign-in-refused');
    await page.getByLabel('API key').fill(platform.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/scripts$/);
    await page.getByRole('heading', { name: 'Scripts' }).waitFor();
    expect(await page.evaluate(() => document.cookie)).not.toContain(platform.adminKey);
    const cookie = (await context.cookies()).find((c) => c.name === 'runlet_key')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await shot('scripts-empty-or-list');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in\?reason=signed-out/);
    expect((await context.cookies()).find((c) => c.name === 'runlet_key')).toBeUndefined();
  });

  it('sends a user whose key was revoked back to sign-in with a message', async () => {
    const created = await platform.api('POST', '/api/v1/api-keys', { name: `console-${label}` });
    await browser.signIn(created.body.key);
    expect((await platform.api('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    await browser.goto(`/executions`);
    // The page learns of the revocation from its first API call, after hydration: on a busy
    // machine that can take a while.
    await page.waitForURL(/\/sign-in\?reason=expired/, { timeout: 90_000 });
    await page.getByText('no longer valid').waitFor({ timeout: 60_000 });
    await hydrated();
    await shot('revoked-key');
    await page.getByLabel('API key').fill(platform.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/scripts$/);
  });

  it('creates a script that imports an npm package and watches its first build succeed', async () => {
    await page.getByRole('link', { name: 'New script' }).click();
    // The editor is ready once the page has hydrated, so typed values stay.
    await page.locator('[data-testid=code-editor][data-ready=true]').waitFor();
    await page.getByLabel('Name').fill(name);
    await setCode(V1);
    await shot('new-script');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/scripts\/(?!new$)[^/]+$/);
    scriptId = page.url().split('/').pop()!;
    await page.getByTestId('build-progress').getByText('succeeded').waitFor({ timeout: 180_000 });
    await page.getByTestId('dependencies').getByText('dayjs').waitFor();
    await shot('first-build-succeeded');
  });

  it('underlines a type error in the editor', async () => {
    await page.locator('[data-testid=code-editor][data-ready=true]').waitFor();
    await setCode(BROKEN);
    const underline = page.locator('.cm-lintRange-error').first();
    await underline.waitFor({ timeout: 60_000 });
    await underline.hover();
    await page
      .locator('.cm-tooltip')
      .getByText("Type 'string' is not assignable to type 'number'")
      .first()
      .waitFor();
    await shot('type-error');
  });

  it('tries the unsaved code out with an input and shows its logs and result', async () => {
    await setCode(V2);
    await page.getByLabel('Input (JSON)').fill('{"name":"Ada"}');
    await page.getByRole('button', { name: 'Run' }).click();
    const output = page.getByTestId('try-output');
    await output.getByText('hello Ada').waitFor({ timeout: 180_000 });
    await output.getByTestId('try-result').getByText('"greeting": "hi Ada"').waitFor();
    await shot('try-out');
  });

  it('saves version 2 with Ctrl/Cmd+S and shows its build until it succeeded', async () => {
    await page.locator('.cm-content').first().click();
    await page.keyboard.press('ControlOrMeta+s');
    await page.getByText('Build of v2').waitFor();
    await page.getByTestId('build-progress').getByText('succeeded').waitFor({ timeout: 180_000 });
    await page.getByText('latest v2 · deployed v2').waitFor({ timeout: 30_000 });
    await shot('saved-v2');
  });

  let webhookUrl = '';
  it('adds a webhook, shows its URL and a curl example, and the webhook answers', async () => {
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a webhook' }) });
    await form.getByLabel('Authentication').selectOption('token');
    await form.getByTestId('auth-hint').getByText('Authorization: Bearer').waitFor();
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const created = page.getByTestId('webhook-created');
    await created.getByText('not shown again').waitFor();
    const secret = await created.getByLabel('Secret').inputValue();
    webhookUrl = await created.getByLabel('New webhook URL').inputValue();
    expect(await created.getByLabel('curl example').inputValue()).toContain(
      `authorization: Bearer ${secret}`,
    );
    await shot('webhook-added');
    const path = new URL(webhookUrl).pathname;
    const res = await fetch(`${platform.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: 2, year: '2021' });
  });

  it('shows the webhook execution with its input, result and logs', async () => {
    await browser.goto(`/executions?scriptId=${scriptId}`);
    const table = page.getByTestId('executions-table');
    await table.getByRole('cell', { name: 'http' }).first().waitFor();
    await shot('executions');
    await table.getByRole('row').filter({ hasText: 'http' }).first().getByRole('link').click();
    await page.waitForURL(/\/executions\/[^/]+$/);
    await page.getByTestId('log-lines').getByText('hello undefined').waitFor();
    await page.getByTestId('exec-result').getByText('"version": 2').waitFor();
    await page.getByLabel('Level').selectOption('error');
    await page.getByText('No log lines.').waitFor();
    await page.getByLabel('Level').selectOption('');
    await shot('execution-detail');
  });

  it('follows the execution causation chain back to the edit that saved version 2', async () => {
    await page.getByRole('link', { name: 'Causation chain' }).first().click();
    await page.waitForURL(/\/audit\?chain=/);
    const edit = page.getByRole('region', { name: 'The edit that saved version 2' });
    await edit.locator('[data-event-type=ScriptVersionSaved]').waitFor();
    const caused = page.getByRole('region', { name: 'What the edit caused: build and deploy' });
    await caused.locator('[data-event-type=BuildSucceeded]').first().waitFor();
    await caused.locator('[data-event-type=ScriptVersionDeployed]').first().waitFor();
    await edit.getByText('Data').click();
    await edit.getByText('"version": 2').waitFor();
    await shot('causation-chain');
    await browser.goto(`/audit?scriptId=${scriptId}`);
    await page.getByTestId('events').locator('[data-event-type=ScriptCreated]').waitFor();
    await shot('script-history');
  });

  it('diffs version 2 against version 1 side by side and deploys version 1 again', async () => {
    await browser.goto(`/scripts/${scriptId}`);
    const diff = page.getByTestId('diff-view');
    await diff.locator('.cm-merge-a').getByText('v1 says hello').waitFor();
    await diff.locator('.cm-merge-b').getByText("ctx.log.info('hello ' + event.input?.name);").waitFor();
    expect(await diff.locator('.cm-changedLine').count()).toBeGreaterThan(0);
    await shot('diff');
    await page.getByRole('button', { name: 'Deploy version 1' }).click();
    await page.getByText('latest v2 · deployed v1').waitFor();
    const run = await platform.api('POST', `/api/v1/scripts/${scriptId}/runs`, { wait: true });
    expect(run.body.result).toMatchObject({ version: 1, year: '2020' });
    await shot('deployed-v1');
  });

  it('adds a cron after showing its description and next five runs in the chosen zone', async () => {
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a cron' }) });
    await form.getByLabel('Schedule (cron expression)').fill('0 61 * * *');
    await form.getByRole('alert').waitFor();
    await form.getByLabel('Schedule (cron expression)').fill('30 9 * * 1-5');
    await form.getByLabel('Time zone').fill('Asia/Tokyo');
    const preview = form.getByTestId('cron-preview');
    await preview.getByText('At 09:30, Monday through Friday').waitFor();
    await preview.getByText('Next runs (Asia/Tokyo)').waitFor();
    expect(await preview.locator('.next-runs li').count()).toBe(5);
    expect(await preview.locator('.next-runs li').first().innerText()).toMatch(/09:30:00/);
    await shot('cron-preview');
    // Enter in the schedule field submits (a click can land on the zone suggestions still open).
    await form.getByLabel('Schedule (cron expression)').press('Enter');
    await page.getByTestId('triggers').getByText('cron 30 9 * * 1-5 (Asia/Tokyo)').waitFor();
    await shot('cron-added');
  });

  it('sets a secret (never shown again) and a script reads it', async () => {
    await browser.goto(`/secrets`);
    await page.getByLabel('Name').fill('GREETING');
    await page.getByLabel('Value').fill('bonjour-secret');
    await page.getByRole('button', { name: 'Save secret' }).click();
    // The confirmation, not the list: at phone width the list already holds GREETING from before.
    await page.getByText('Saved GREETING.').waitFor();
    await page.getByTestId('secrets').getByText('GREETING').waitFor();
    expect(await page.getByLabel('Value').inputValue()).toBe('');
    expect(await page.content()).not.toContain('bonjour-secret');
    await shot('secret-set');
    await browser.goto(`/scripts/${scriptId}`);
    await page.locator('[data-testid=code-editor][data-ready=true]').waitFor();
    await page.getByLabel('Secrets the script may read (comma-separated names)').fill('GREETING');
    await setCode(WITH_SECRET);
    await page.locator('.cm-content').first().click();
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.getByTestId('try-result').getByText('"secretLength": 14').waitFor({ timeout: 180_000 });
    await shot('secret-used');
  });

  it('kept everything on the console origin, never sent the key, and passed axe on every page', async () => {
    expect(browser.problems()).toEqual({ foreignRequests: [], keyLeaks: [], axe: [] });
    expect(await page.content()).not.toContain(platform.adminKey);
  });
});
