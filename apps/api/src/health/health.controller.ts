import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import Redis from 'ioredis';
import { Database, readSubscriptionFailures, SubscriptionFailure } from '@runlet/event-store';
import { Public } from '../auth/public.decorator';
import { metricsRegistry, REDIS } from '@runlet/platform';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /**
   * 200 when PostgreSQL and Redis both answer and no subscription (read models, process
   * managers, in any process) is stuck on an event; else 503 `degraded`, naming what is not
   * well: the store or queue that does not answer, or each stuck subscription with the position
   * and type of the event it cannot apply and the error.
   */
  @Get('health')
  async health(@Res() res: any) {
    const [postgres, redis, failures] = await Promise.all([
      probe(() => this.db.query('SELECT 1')),
      probe(() => this.redis.ping()),
      readSubscriptionFailures(this.db).catch(() => null),
    ]);
    const subscriptions: 'up' | 'unknown' | SubscriptionFailure[] =
      failures === null ? 'unknown' : failures.length ? failures : 'up';
    const ok = postgres === 'up' && redis === 'up' && subscriptions === 'up';
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? 'ok' : 'degraded', checks: { postgres, redis, subscriptions } });
  }

  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics() {
    return metricsRegistry.metrics();
  }
}

async function probe(check: () => Promise<unknown>): Promise<'up' | string> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
    ]);
    return 'up';
  } catch (err) {
    return `down: ${(err as Error).message}`;
  }
}
