import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import Redis from 'ioredis';
import { Database } from '@runlet/event-store';
import { Public } from '../auth/public.decorator';
import { metricsRegistry } from '../http/metrics';
import { REDIS } from '../platform/platform.module';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** 200 when PostgreSQL and Redis both answer, else 503 naming the one that does not. */
  @Get('health')
  async health(@Res() res: any) {
    const [postgres, redis] = await Promise.all([
      probe(() => this.db.query('SELECT 1')),
      probe(() => this.redis.ping()),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks: { postgres, redis } });
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
