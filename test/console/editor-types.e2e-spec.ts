import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ConsolePlatform, startConsolePlatform } from '../support/console-platform';
import { ConsoleBrowser, WIDTHS } from './support/console-browser';
import { firstErrorMessage, packageTypesLoaded, replaceCode } from './support/editor-page';

/**
 * The editor knows the imported packages' types once the script's build installed them: in
 * Debian's Chromium against the platform as `npm start` runs it (real npm installs), at desktop and
 * phone width. Screenshots under test-artifacts/console-editor-types/<width>/.
 */
jest.setTimeout(15 * 60_000);

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console-editor-types');

const V1 = `import dayjs from 'dayjs';

export default async (event: RunletEvent, ctx: RunletContext) => {
  return { year: dayjs('2020-06-01').format('YYYY') };
};
`;
const WRONG_CALL = `import dayjs from 'dayjs';

export default async (event: RunletEvent, ctx: RunletContext) => {
  return { year: dayjs().notAMethod() };
};
`;
const BEFORE_COMPLETION = `import dayjs from 'dayjs';

export default async (event: RunletEvent, ctx: RunletContext) => dayjs()`;
/** Saved as v2: nanoid (it ships its own index.d.ts) is new, so only v2's build has its types. */
const V2 = `import dayjs from 'dayjs';
import { nanoid } from 'nanoid';

export default async (event: RunletEvent, ctx: RunletContext) => {
  return { id: nanoid('ten'), year: dayjs().format('YYYY') };
};
`;

let platform: ConsolePlatform;
beforeAll(async () => {
  platform = await startConsolePlatform('editor_types');
});
afterAll(async () => {
  await platform?.stop();
});

/** Polls the API until the build of `version` finished; returns its status. */
async function buildOf(scriptId: string, version: number): Promise<string> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const { body } = await platform.api('GET', `/api/v1/scripts/${scriptId}`);
    if (body.build?.version === version && ['succeeded', 'failed'].includes(body.build.status))
      return body.build.status;
    if (Date.now() > deadline)
      throw new Error(`build of v${version} did not finish: ${JSON.stringify(body.build)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.each(WIDTHS)('the editor with the packages types at %s width', (label, width, height) => {
  let browser: ConsoleBrowser;
  let page: Page;
  let scriptId = '';
  const shot = (what: string) => browser.shot(what);

  beforeAll(async () => {
    browser = await ConsoleBrowser.open(platform, { width, height, dir: join(ARTIFACTS, label), label });
    ({ page } = browser);
    const created = await platform.api('POST', '/api/v1/scripts', { name: `typed-${label}`, code: V1 });
    expect(created.status).toBe(201);
    scriptId = created.body.id;
    expect(await buildOf(scriptId, 1)).toBe('succeeded');
    await browser.signIn();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("loads the packages' types of the script's build when the page opens", async () => {
    await page.goto(`${platform.consoleUrl}/scripts/${scriptId}`);
    await page.locator('[data-testid=code-editor][data-ready=true]').waitFor({ timeout: 60_000 });
    await packageTypesLoaded(page, `/scripts/${scriptId}/versions/1/types`);
    await shot('types-loaded');
  });

  it("underlines a call that does not exist on the package's type, with TypeScript's message", async () => {
    await replaceCode(page, WRONG_CALL);
    expect(await firstErrorMessage(page)).toContain("Property 'notAMethod' does not exist on type 'Dayjs'.");
    await shot('wrong-call-underlined');
  });

  it("completes the package's members after `dayjs().`", async () => {
    await replaceCode(page, BEFORE_COMPLETION);
    await page.keyboard.type('.form');
    const list = page.locator('.cm-tooltip-autocomplete');
    await list.locator('.cm-completionLabel', { hasText: /^format$/ }).waitFor({ timeout: 60_000 });
    await shot('completion');
    await page.keyboard.press('Escape');
  });

  it("after a build that installs another package, knows that package's types without a reload", async () => {
    await replaceCode(page, V2);
    await page.locator('.cm-content').first().click();
    await page.keyboard.press('ControlOrMeta+s');
    await page.getByText('Build of v2').waitFor();
    await page.getByTestId('build-progress').getByText('succeeded').waitFor({ timeout: 240_000 });
    await packageTypesLoaded(page, `/scripts/${scriptId}/versions/2/types`);
    expect(await firstErrorMessage(page)).toContain(
      "Argument of type 'string' is not assignable to parameter of type 'number'.",
    );
    await shot('new-package-typed-after-build');
  });

  it('kept every request on the console origin, never sent the key, and passed axe', async () => {
    expect(browser.problems()).toEqual({ foreignRequests: [], keyLeaks: [], axe: [] });
    expect(browser.requests.some((u) => u.includes(`/api/proxy/scripts/${scriptId}/versions/1/types`))).toBe(
      true,
    );
  });
});
