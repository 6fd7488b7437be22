import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations, launchBrowser } from '../../support/console-platform';

/** A browser at one width that keeps numbered screenshots, axe findings and every request it made. */
export interface BrowserSession {
  page: Page;
  /** Saves `<dir>/<nn>-<what>.png` (full page) and checks the page with axe-core. */
  shot(what: string): Promise<void>;
  /** Serious and critical axe findings of every shot so far. */
  axeProblems: string[];
  /** Requests that left `origin` (data: and blob: URLs aside). */
  foreignRequests(origin: string): string[];
  requests: string[];
  close(): Promise<void>;
}

export async function openBrowserSession(
  dir: string,
  width: number,
  height: number,
): Promise<BrowserSession> {
  mkdirSync(dir, { recursive: true });
  const { context, close } = await launchBrowser(width, height);
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const axeProblems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  let step = 0;
  return {
    page,
    requests,
    axeProblems,
    async shot(what) {
      step += 1;
      await page.screenshot({
        path: join(dir, `${String(step).padStart(2, '0')}-${what}.png`),
        fullPage: true,
      });
      axeProblems.push(...(await axeViolations(page)).map((v) => `${what}: ${v}`));
    },
    foreignRequests: (origin) =>
      requests.filter(
        (u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin,
      ),
    close,
  };
}
