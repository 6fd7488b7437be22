import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, ConsolePlatform, launchBrowser } from '../../support/console-platform';

/** The viewports every console spec runs at (the issue: desktop and phone width). */
export const WIDTHS: [label: string, width: number, height: number][] = [
  ['desktop', 1280, 900],
  ['phone', 390, 844],
];

/**
 * Debian's Chromium on the console, recording what every spec checks about every page: each step a
 * numbered full-page screenshot under `dir`, checked with axe-core (serious and critical
 * violations); every request's URL (all must stay on the console's origin); every response that
 * carries the admin key (the key must never reach the browser).
 */
export class ConsoleBrowser {
  readonly requests: string[] = [];
  readonly keyLeaks: string[] = [];
  readonly axeProblems: string[] = [];
  private step = 0;

  private constructor(
    private readonly platform: ConsolePlatform,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly dir: string,
  ) {}

  static async open(
    platform: ConsolePlatform,
    { width, height, dir, label }: { width: number; height: number; dir: string; label: string },
  ): Promise<ConsoleBrowser> {
    mkdirSync(dir, { recursive: true });
    const { context } = await launchBrowser(width, height);
    const page = context.pages()[0] ?? (await context.newPage());
    const browser = new ConsoleBrowser(platform, context, page, dir);
    page.on('request', (r) => browser.requests.push(r.url()));
    page.on(
      'console',
      (m) => m.type() === 'error' && console.log(`[${label}] console: ${m.text()} at ${page.url()}`),
    );
    page.on('response', async (r) => {
      const type = r.headers()['content-type'] ?? '';
      // A log stream never ends while it is read here: its lines are checked by the specs instead.
      if (!/json|text|javascript|html/.test(type) || type.includes('event-stream')) return;
      const body = await r.text().catch(() => '');
      if (body.includes(platform.adminKey)) browser.keyLeaks.push(r.url());
    });
    return browser;
  }

  async shot(what: string): Promise<void> {
    this.step += 1;
    const file = `${String(this.step).padStart(2, '0')}-${what}.png`;
    await this.page.screenshot({ path: join(this.dir, file), fullPage: true });
    this.axeProblems.push(...(await axeViolations(this.page)).map((v) => `${what}: ${v}`));
  }

  /** Waits for hydration: typing before it is lost. */
  async hydrated(): Promise<void> {
    await this.page.locator('body[data-hydrated=true]').waitFor();
  }

  /** Opens `path` of the console and waits for hydration. */
  async goto(path: string): Promise<void> {
    await this.page.goto(`${this.platform.consoleUrl}${path}`);
    await this.hydrated();
  }

  /** Signs in with `key` (the admin key unless told) through the sign-in page. */
  async signIn(key = this.platform.adminKey): Promise<void> {
    await this.goto('/sign-in');
    await this.page.getByLabel('API key').fill(key);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.waitForURL(/\/scripts$/);
  }

  /** Requests that left the console's origin (data: and blob: URLs stay in the page). */
  foreignRequests(): string[] {
    const origin = new URL(this.platform.consoleUrl).origin;
    return this.requests.filter(
      (u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin,
    );
  }

  /** What must be empty at the end of every spec: foreign requests, key leaks, axe violations. */
  problems(): { foreignRequests: string[]; keyLeaks: string[]; axe: string[] } {
    return { foreignRequests: this.foreignRequests(), keyLeaks: this.keyLeaks, axe: this.axeProblems };
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
