import { ResolveCache, resolutionKey } from './resolve-cache';

describe('ResolveCache', () => {
  it('serves a resolution while it is fresh and forgets it after the window', () => {
    let now = 1_000;
    const cache = new ResolveCache(60_000, () => now);
    const key = resolutionKey({ dayjs: '*' }, undefined);
    cache.set(key, 'lock-1');
    now += 59_999;
    expect(cache.get(key)).toEqual({ lockfile: 'lock-1', ageMs: 59_999 });
    now += 1;
    expect(cache.get(key)).toBeUndefined();
  });

  it('keys by the spec and by the lockfile the resolution starts from', () => {
    const lock = JSON.stringify({ lockfileVersion: 3, packages: { '': {} } });
    const keys = new Set([
      resolutionKey({ dayjs: '*' }, undefined),
      resolutionKey({ dayjs: '^1.0.0' }, undefined),
      resolutionKey({ dayjs: '*' }, lock),
    ]);
    expect(keys.size).toBe(3);
    expect(resolutionKey({ dayjs: '*' }, lock)).toBe(resolutionKey({ dayjs: '*' }, lock));
  });

  it('remembers nothing with a window of 0', () => {
    const cache = new ResolveCache(0);
    cache.set('k', 'lock');
    expect(cache.get('k')).toBeUndefined();
  });
});
