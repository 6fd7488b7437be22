import { benchCronJitter } from './cron-scheduler';
import { ms, report } from './stats';

export async function benchCron(): Promise<void> {
  const r = await benchCronJitter();
  report('cron jitter (100 every-second schedules due on the same second)', [
    ['ticks measured', r.n],
    ['firedAt − scheduledAt p50', ms(r.p50Ms)],
    ['firedAt − scheduledAt p99', ms(r.p99Ms)],
  ]);
}
