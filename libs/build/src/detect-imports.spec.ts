import { BuildError } from './build-error';
import { detectImports } from './detect-imports';

describe('detectImports', () => {
  it('finds static imports, re-exports, require and literal dynamic import', async () => {
    const code = `
      import dayjs from 'dayjs';
      import { a } from 'pkg-a';
      import * as b from 'pkg-b';
      import 'side-effect-only';
      export { c } from 'pkg-c';
      export * from 'pkg-d';
      const e = require('pkg-e');
      export default async function () {
        const f = await import('pkg-f');
        return [dayjs, a, b, e, f];
      }
    `;
    expect(await detectImports(code, 'javascript')).toEqual([
      'dayjs',
      'pkg-a',
      'pkg-b',
      'pkg-c',
      'pkg-d',
      'pkg-e',
      'pkg-f',
      'side-effect-only',
    ]);
  });

  it('maps subpaths and scoped subpaths to their package', async () => {
    const code = `
      import fp from 'lodash/fp';
      import map from 'lodash/map.js';
      import slugify from '@sindresorhus/slugify';
      import x from '@org/pkg/sub/deep';
      export default [fp, map, slugify, x];
    `;
    expect(await detectImports(code, 'javascript')).toEqual(['@org/pkg', '@sindresorhus/slugify', 'lodash']);
  });

  it('ignores Node built-ins with and without node:, and relative paths', async () => {
    const code = `
      import fs from 'fs';
      import { readFile } from 'node:fs/promises';
      import path from 'path';
      import test from 'node:test';
      import { Worker } from 'worker_threads';
      import local from './local.js';
      const cp = require('child_process');
      const u = require('node:url');
      export default [fs, readFile, path, test, Worker, local, cp, u];
    `;
    expect(await detectImports(code, 'javascript')).toEqual([]);
  });

  it('parses TypeScript and drops type-only imports, as at run time', async () => {
    const code = `
      import type { Config } from 'types-only';
      import { type Other, used } from 'real-pkg';
      import dayjs, { Dayjs } from 'dayjs';
      const n: number = 1;
      export default async function (event: { x: Config }): Promise<Dayjs> {
        return dayjs().add(n as number, 'day');
      }
      void used;
    `;
    expect(await detectImports(code, 'typescript')).toEqual(['dayjs', 'real-pkg']);
  });

  it('does not treat strings, comments or non-literal imports as imports', async () => {
    const code = `
      // import x from 'commented-out';
      const s = "require('in-a-string')";
      const name = 'computed';
      export default async () => [s, await import(name), require(name)];
    `;
    expect(await detectImports(code, 'javascript')).toEqual([]);
  });

  it('reports a syntax error with its line and column', async () => {
    const code = `const a = 1;\nconst b: number = ;\n`;
    const err = await detectImports(code, 'typescript').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).reason).toMatch(/^script\.ts:2:19: Unexpected ";"/);
    expect((err as BuildError).location).toEqual({ line: 2, column: 19 });
  });

  it('rejects an import that cannot be an npm package, with its location', async () => {
    const err = await detectImports(`import x from 'Not A Package';\nexport default x;`, 'javascript').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).reason).toMatch(
      /script\.js:1:15: "Not A Package" is not a valid npm package name/,
    );
  });
});
