import { redisServerArgs } from './local-redis';

describe('redisServerArgs', () => {
  it('keeps every file of redis-server in its directory and listens only on the given address', () => {
    const args = redisServerArgs('/data/redis', '127.0.0.1', 6379);
    const option = (name: string) => args[args.indexOf(name) + 1];
    expect(option('--dir')).toBe('/data/redis');
    expect(option('--pidfile')).toBe('/data/redis/redis-server.pid');
    expect(option('--bind')).toBe('127.0.0.1');
    expect(option('--port')).toBe('6379');
    expect(option('--daemonize')).toBe('no');
  });
});
