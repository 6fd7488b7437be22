import { listenAddress, planDatabase, planRedis } from './local-services-plan';

describe('planDatabase', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/runlet';

  it('uses a configured DATABASE_URL as is, whether or not it answers', () => {
    expect(planDatabase({ url, configured: true, reachable: false })).toEqual({
      action: 'use',
      url,
    });
  });

  it('uses the default URL when a server answers there', () => {
    expect(planDatabase({ url, configured: false, reachable: true })).toMatchObject({ action: 'use' });
  });

  it('starts an embedded PostgreSQL on the default URL when nothing answers and nothing is configured', () => {
    expect(planDatabase({ url, configured: false, reachable: false })).toEqual({ action: 'start', url });
  });
});

describe('planRedis', () => {
  const url = 'redis://127.0.0.1:6379';

  it('uses a configured REDIS_URL as is, even with redis-server on PATH', () => {
    expect(
      planRedis({ url, configured: true, reachable: false, redisServer: '/usr/bin/redis-server' }),
    ).toEqual({
      action: 'use',
      url,
    });
  });

  it('uses the default URL when Redis answers there', () => {
    expect(planRedis({ url, configured: false, reachable: true })).toMatchObject({ action: 'use' });
  });

  it('starts redis-server from PATH when nothing answers', () => {
    expect(
      planRedis({ url, configured: false, reachable: false, redisServer: '/usr/bin/redis-server' }),
    ).toEqual({
      action: 'start',
      url,
    });
  });

  it('stops with one line saying how to get Redis when there is none to use or start', () => {
    const plan = planRedis({ url, configured: false, reachable: false });
    expect(plan.action).toBe('fail');
    const message = (plan as { message: string }).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('apt-get install redis-server');
    expect(message).toContain('REDIS_URL');
  });
});

describe('listenAddress', () => {
  it("is the URL's host and port, with the service's port when the URL has none", () => {
    expect(listenAddress('postgres://postgres@127.0.0.1:5432/runlet', 5432)).toEqual({
      host: '127.0.0.1',
      port: 5432,
    });
    expect(listenAddress('redis://localhost', 6379)).toEqual({ host: '127.0.0.1', port: 6379 });
  });
});
