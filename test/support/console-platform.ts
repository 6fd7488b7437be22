import { ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { recreateTestDatabase, REDIS_URL } from './database';
import { freePort, stopRoleProcesses } from './role-process';

// The repository root, from test/support or (compiled for the bench) from dist/test/support.
const ROOT = [join(__dirname, '..', '..'), join(__dirname, '..', '..', '..')].find((dir) =>
  existsSync(join(dir, 'package.json')),
)!;
const MAIN = join(ROOT, 'dist', 'apps', 'runlet', 'src', 'main.js');

/** The flags this machine's headless Chromium needs. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ConsolePlatform {
  apiUrl: string;
  consoleUrl: string;
  adminKey: string;
  databaseUrl: string;
  api(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/**
 * The platform as the README starts it (`node dist/apps/runlet/src/main.js`, every role, the
 * console beside the API), on its own test database and ports.
 */
export async function startConsolePlatform(
  name: string,
  env: Record<string, string> = {},
): Promise<ConsolePlatform> {
  if (!existsSync(MAIN) || !existsSync(join(ROOT, 'apps', 'web', '.next', 'BUILD_ID')))
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  const databaseUrl = await recreateTestDatabase(name);
  const [apiPort, consolePort] = [await freePort(), await freePort()];
  const adminKey = `test-admin-key-${name}`;
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(apiPort),
      RUNLET_CONSOLE_PORT: String(consolePort),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      RUNLET_ADMIN_KEY: adminKey,
      RUNLET_DATA_DIR: mkdtempSync(join(tmpdir(), `runlet-${name}-`)),
      RUNLET_POOL_SIZE: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the platform exited:\n${output}`);
    const up = await Promise.all([
      fetch(`${apiUrl}/health`).then(
        (r) => r.ok,
        () => false,
      ),
      fetch(`${consoleUrl}/sign-in`).then(
        (r) => r.ok,
        () => false,
      ),
    ]);
    if (up[0] && up[1]) break;
    if (Date.now() > deadline) throw new Error(`the platform did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    apiUrl,
    consoleUrl,
    adminKey,
    databaseUrl,
    async api(method, path, body, key = adminKey) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    stop: () => stopRoleProcesses([child]),
  };
}

/** Debian's Chromium, headless, with a fresh profile. */
export async function launchBrowser(
  width: number,
  height: number,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'runlet-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width, height },
  });
  return { context, close: () => context.close() };
}

export type { Browser, Page };

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] =
    await page.evaluate(
      async () =>
        ((await (window as any).axe.run(document, { resultTypes: ['violations'] })) as any).violations,
    );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
