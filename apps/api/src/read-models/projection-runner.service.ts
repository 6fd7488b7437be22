import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  Database,
  EventHints,
  EventStore,
  SubscriptionHandler,
  SubscriptionRunner,
} from '@runlet/event-store';

export const PROJECTIONS = Symbol('PROJECTIONS');

/**
 * Runs the read-model projections as checkpointed subscriptions. `waitFor` lets a command
 * handler answer only once its own events are visible in the read models (read-your-writes).
 */
@Injectable()
export class ProjectionRunnerService implements OnModuleInit, OnApplicationShutdown {
  private readonly runners: SubscriptionRunner[];

  constructor(
    private readonly db: Database,
    store: EventStore,
    hints: EventHints,
    @Inject(PROJECTIONS) handlers: SubscriptionHandler[],
  ) {
    this.runners = handlers.map(
      (h) => new SubscriptionRunner(db, store, h, hints, { pollMs: 500, minIntervalMs: 20 }),
    );
  }

  onModuleInit(): void {
    for (const r of this.runners) r.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  /** Resolves when every projection has processed `position` (or after `timeoutMs`). */
  async waitFor(position: number, timeoutMs = 5000): Promise<void> {
    const names = this.runners.map((r) => r.name);
    const deadline = Date.now() + timeoutMs;
    const local = Promise.all(this.runners.map((r) => r.caughtUp(position)));
    let done = false;
    void local.then(() => (done = true));
    // Another instance may hold a projection's lease; then its checkpoint in the table tells.
    while (!done && Date.now() < deadline) {
      await Promise.race([local, new Promise((r) => setTimeout(r, 25))]);
      if (done) return;
      const [row] = await this.db.query(
        `SELECT min(position) AS p FROM subscriptions WHERE name = ANY($1::text[])`,
        [names],
      );
      if (Number(row?.p ?? 0) >= position) return;
    }
  }

  runner(name: string): SubscriptionRunner | undefined {
    return this.runners.find((r) => r.name === name);
  }
}
