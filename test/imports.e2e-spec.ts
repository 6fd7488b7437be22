import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TryBuilder } from '../apps/api/src/runs/try-builder';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

// Real npm against the real registry, real bundling, real sandboxes: imports as TypeScript users write them.
jest.setTimeout(300_000);

type Language = 'typescript' | 'javascript';

/** Each case: the imports and the expression they feed; both languages run the same code. */
const CASES: Array<{ name: string; code: string; expected: unknown }> = [
  {
    name: 'named and default imports of a CommonJS package (lodash)',
    code: `import _, { chunk } from 'lodash';
export default async () => ({ chunks: chunk([1, 2, 3], 2), sum: _.sum([1, 2]) });`,
    expected: { chunks: [[1, 2], [3]], sum: 3 },
  },
  {
    name: 'named imports from a CommonJS subpath (lodash/fp)',
    code: `import { map, toUpper } from 'lodash/fp';
export default async () => map(toUpper)(['a', 'b']);`,
    expected: ['A', 'B'],
  },
  {
    name: 'ESM-only packages (nanoid 5, chalk 5)',
    code: `import { customAlphabet } from 'nanoid';
import chalk from 'chalk';
export default async () => ({ id: customAlphabet('x', 4)(), red: typeof chalk.red });`,
    expected: { id: 'xxxx', red: 'function' },
  },
  {
    name: "a package's JSON file, with and without an import attribute",
    code: `import lodashPkg from 'lodash/package.json' with { type: 'json' };
import dayjsPkg from 'dayjs/package.json';
export default async () => [lodashPkg.name, dayjsPkg.name];`,
    expected: ['lodash', 'dayjs'],
  },
  {
    name: 'a package whose `exports` map has node/import/require conditions (uuid)',
    code: `import { validate, v5 } from 'uuid';
export default async () => validate(v5('runlet', v5.DNS));`,
    expected: true,
  },
];

describe('Imports in try-outs and saved scripts (api + builder + executor on real npm and bwrap)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform('imports', { roles: ['api', 'builder', 'executor'] });
  });
  afterAll(() => p?.close());

  const tryOut = (code: string, language: Language, dependencies: Record<string, string> = {}) =>
    p.api('POST', '/api/v1/try', { code, language, dependencies });

  for (const language of ['typescript', 'javascript'] as const) {
    for (const c of CASES) {
      it(`${language}: ${c.name}`, async () => {
        // The TypeScript variant carries a type annotation, so it is not valid JavaScript.
        const code = language === 'typescript' ? `const typed: number = 1;\n${c.code}` : c.code;
        const res = await tryOut(code, language);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ status: 'succeeded', result: c.expected });
      });
    }
  }

  it('a saved script with named CommonJS imports builds, deploys and runs', async () => {
    const id = await createBuiltScript(p, {
      name: 'named-imports',
      code: `import { chunk } from 'lodash';\nimport { map } from 'lodash/fp';\nexport default async (): Promise<unknown> => [chunk([1, 2], 1), map((n: number) => n * 2)([2])];`,
    });
    const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    expect(run.body).toMatchObject({ status: 'succeeded', result: [[[1], [2]], [4]] });
  });

  it('a stack trace from inside a bundled script still points at the user line', async () => {
    const res = await tryOut(
      `import { chunk } from 'lodash';\n\nexport default async () => {\n  chunk([1], 1);\n  throw new Error('boom');\n};`,
      'typescript',
    );
    expect(res.body.status).toBe('failed');
    expect(res.body.error.stack).toMatch(/script\.ts:5/);
  });

  it('a package that needs its install script fails the build, naming it and why', async () => {
    // bufferutil is a native addon whose `install` script (node-gyp-build) builds or picks its binary.
    const res = await tryOut(
      `import bufferutil from 'bufferutil';\nexport default async () => typeof bufferutil.mask;`,
      'javascript',
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    expect(res.body.error.message).toMatch(/^build failed: .*bufferutil.*install script/);
    expect(res.body.error.message).toContain('RUNLET_ALLOW_BUILD_SCRIPTS');
  });

  it('a second try-out with an installed dependency resolves nothing again (no npm process)', async () => {
    const npm = p.app.get(TryBuilder).builder;
    const code = (n: number) =>
      `import dayjs from 'dayjs';\nexport default async () => dayjs('2024-01-0${n}').format('D');`;
    const first = await tryOut(code(1), 'javascript', { dayjs: '^1.11.0' });
    expect(first.body).toMatchObject({ status: 'succeeded', result: '1' });
    const before = npm.npmRuns;
    const second = await tryOut(code(2), 'javascript', { dayjs: '^1.11.0' });
    expect(second.body).toMatchObject({ status: 'succeeded', result: '2' });
    expect(npm.npmRuns).toBe(before);
    // A different range is a different resolution: it is not served from the cache.
    const changed = await tryOut(code(3), 'javascript', { dayjs: '~1.11.0' });
    expect(changed.body).toMatchObject({ status: 'succeeded', result: '3' });
    expect(npm.npmRuns).toBe(before + 1);
  });
});

describe('An installation that allows a native addon’s install script (RUNLET_ALLOW_BUILD_SCRIPTS)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    process.env.RUNLET_ALLOW_BUILD_SCRIPTS = 'bufferutil';
    try {
      p = await startPlatform('imports_native', { roles: ['api', 'executor'] });
    } finally {
      delete process.env.RUNLET_ALLOW_BUILD_SCRIPTS;
    }
  });
  afterAll(() => p?.close());

  it('builds it (its script run in the build sandbox) and the script loads the compiled addon', async () => {
    const res = await p.api('POST', '/api/v1/try', {
      language: 'javascript',
      code: `import bufferutil from 'bufferutil';\nexport default async () => String(bufferutil.mask).includes('[native code]');`,
    });
    // bufferutil falls back to plain JavaScript when its addon cannot load: `true` means it loaded.
    expect(res.body).toMatchObject({ status: 'succeeded', result: true });
  });
});

describe('Try-outs use the installation’s registry (RUNLET_NPM_REGISTRY)', () => {
  let p: TestPlatform;
  let registry: Server;
  const requested: string[] = [];
  beforeAll(async () => {
    // A registry that knows no package at all.
    registry = createServer((req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    process.env.RUNLET_NPM_REGISTRY = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
    try {
      p = await startPlatform('imports_registry', { roles: ['api', 'executor'] });
    } finally {
      delete process.env.RUNLET_NPM_REGISTRY;
    }
  });
  afterAll(async () => {
    await p?.close();
    await new Promise((resolve) => registry.close(resolve));
  });

  it('resolves a try-out’s dependencies there', async () => {
    const res = await p.api('POST', '/api/v1/try', {
      language: 'javascript',
      code: `import dayjs from 'dayjs';\nexport default async () => dayjs().year();`,
    });
    expect(res.body.status).toBe('failed');
    expect(res.body.error.message).toBe('build failed: package dayjs was not found in the npm registry');
    expect(requested).toContain('/dayjs');
  });
});
