import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations } from '../../support/console-platform';

/**
 * A browser test's steps on one page: a numbered full-page screenshot per step under `dir`, each
 * page checked with axe-core (its serious and critical violations collected, for one assertion
 * at the end), and the wait for hydration (typing before it is lost).
 */
export class ConsoleSteps {
  readonly axeProblems: string[] = [];
  private step = 0;

  constructor(
    private readonly page: Page,
    private readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  async shot(what: string): Promise<void> {
    this.step += 1;
    const file = `${String(this.step).padStart(2, '0')}-${what}.png`;
    await this.page.screenshot({ path: join(this.dir, file), fullPage: true });
    this.axeProblems.push(...(await axeViolations(this.page)).map((v) => `${what}: ${v}`));
  }

  async hydrated(): Promise<void> {
    await this.page.locator('body[data-hydrated=true]').waitFor();
  }
}
