import { ReadModelCache } from './read-model-cache';

describe('ReadModelCache', () => {
  it('serves a kept value from memory until it is forgotten', async () => {
    const cache = new ReadModelCache<number>(60_000);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('a', load)).toBe(1);
    cache.forget('a');
    expect(await cache.get('a', load)).toBe(2);
  });

  it('does not keep a lookup that raced a change, nor values `keep` refuses', async () => {
    const cache = new ReadModelCache<string>(60_000);
    let release!: () => void;
    const slow = cache.get('a', () => new Promise<string>((r) => (release = () => r('old'))));
    cache.forgetWhere(() => true); // a change lands while the lookup is in flight
    release();
    expect(await slow).toBe('old');
    expect(await cache.get('a', async () => 'new')).toBe('new');
    expect(
      await cache.get(
        'b',
        async () => 'refused',
        (v) => v !== 'refused',
      ),
    ).toBe('refused');
    expect(await cache.get('b', async () => 'loaded again')).toBe('loaded again');
  });

  it('forgetWhere drops the entries whose value matches', async () => {
    const cache = new ReadModelCache<{ script: string }>(60_000);
    await cache.get('t1', async () => ({ script: 's1' }));
    await cache.get('t2', async () => ({ script: 's2' }));
    cache.forgetWhere((v) => v.script === 's1');
    expect(await cache.get('t1', async () => ({ script: 'reloaded' }))).toEqual({ script: 'reloaded' });
    expect(await cache.get('t2', async () => ({ script: 'reloaded' }))).toEqual({ script: 's2' });
  });
});
