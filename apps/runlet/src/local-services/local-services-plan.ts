/** What `npm start` does about one backing service: use the given URL, or start a local server for it. */
export type ServicePlan =
  { action: 'use'; url: string } | { action: 'start'; url: string } | { action: 'fail'; message: string };

export interface ServiceFacts {
  /** The URL from the environment, or the default when the variable is unset. */
  url: string;
  /** Whether the variable (DATABASE_URL / REDIS_URL) was set: a configured URL is never replaced. */
  configured: boolean;
  /** Whether something answered at `url` (only asked when not configured). */
  reachable?: boolean;
}

/** PostgreSQL: configured or answering → use it; otherwise an embedded one on the default URL. */
export function planDatabase(facts: ServiceFacts): ServicePlan {
  if (facts.configured || facts.reachable) return { action: 'use', url: facts.url };
  return { action: 'start', url: facts.url };
}

/** Redis: configured or answering → use it; otherwise `redis-server` from PATH, or one line on how to get it. */
export function planRedis(facts: ServiceFacts & { redisServer?: string }): ServicePlan {
  if (facts.configured || facts.reachable) return { action: 'use', url: facts.url };
  if (facts.redisServer) return { action: 'start', url: facts.url };
  return {
    action: 'fail',
    message:
      `no Redis answers at ${facts.url} and redis-server is not on PATH: ` +
      'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL',
  };
}

/** Host and port a local server listens on for a default URL (it takes the place nobody answered at). */
export function listenAddress(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: Number(parsed.port || defaultPort) };
}
