import { describeNpmFailure } from './npm-runner';
import { hashLockfile, normaliseLockfile, resolvedVersions } from './lockfile';
import { mergeDependencySpec, sameDependencySpec } from './dependency-spec';

describe('describeNpmFailure', () => {
  it('names an unscoped package that is not in the registry', () => {
    const out = [
      'npm error code E404',
      'npm error 404 Not Found - GET https://registry.npmjs.org/this-package-does-not-exist-xyz - Not found',
      "npm error 404  'this-package-does-not-exist-xyz@*' is not in this registry.",
    ].join('\n');
    expect(describeNpmFailure(out, 1)).toBe(
      'package this-package-does-not-exist-xyz was not found in the npm registry',
    );
  });

  it('names a scoped package that is not in the registry', () => {
    const out = [
      'npm error code E404',
      'npm error 404 Not Found - GET https://registry.npmjs.org/@runlet-nope%2fzzz-qq',
      "npm error 404  The requested resource '@runlet-nope/zzz-qq@1.0.0' could not be found or you do not have permission to access it.",
    ].join('\n');
    expect(describeNpmFailure(out, 1)).toBe('package @runlet-nope/zzz-qq was not found in the npm registry');
    expect(describeNpmFailure(out.split('\n').slice(0, 2).join('\n'), 1)).toBe(
      'package @runlet-nope/zzz-qq was not found in the npm registry',
    );
  });

  it('explains a version that does not exist, a network failure and anything else', () => {
    expect(describeNpmFailure('npm error notarget No matching version found for dayjs@99.0.0.', 1)).toBe(
      'no version of dayjs matches "99.0.0"',
    );
    expect(describeNpmFailure('npm error code EAI_AGAIN\nnpm error request to https://x failed', 1)).toBe(
      'could not reach the npm registry (EAI_AGAIN)',
    );
    expect(describeNpmFailure('npm error code EWHAT\nnpm error something odd', 1)).toBe(
      'npm install failed (exit 1): code EWHAT; something odd',
    );
  });
});

describe('lockfile helpers', () => {
  const lock = (name: string, order: 'ab' | 'ba') =>
    JSON.stringify({
      name,
      version: '1.2.3',
      lockfileVersion: 3,
      packages:
        order === 'ab'
          ? { '': { name }, 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '2.0.0' } }
          : { '': { name }, 'node_modules/b': { version: '2.0.0' }, 'node_modules/a': { version: '1.0.0' } },
    });

  it('hashes independently of project name, formatting and key order', () => {
    const h1 = hashLockfile(normaliseLockfile(lock('tmp-123', 'ab')));
    const h2 = hashLockfile(normaliseLockfile(JSON.stringify(JSON.parse(lock('other', 'ba')), null, 4)));
    expect(h1).toBe(h2);
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(resolvedVersions(lock('x', 'ab'), ['b', 'a', 'c'])).toEqual({ a: '1.0.0', b: '2.0.0' });
  });

  it('merges imports with pins and compares specs regardless of order', () => {
    expect(mergeDependencySpec(['lodash', 'dayjs'], { dayjs: '1.11.10', zod: '^3' })).toEqual({
      dayjs: '1.11.10',
      lodash: '*',
      zod: '^3',
    });
    expect(sameDependencySpec({ a: '1', b: '*' }, { b: '*', a: '1' })).toBe(true);
    expect(sameDependencySpec({ a: '1' }, { a: '2' })).toBe(false);
    expect(() => mergeDependencySpec([], { '../evil': '1' })).toThrow(/not a valid npm package name/);
  });
});
