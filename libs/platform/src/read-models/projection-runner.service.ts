import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  Database,
  EventHints,
  EventStore,
  CompositeHandler,
  readSubscriptionState,
  SubscriptionHandler,
  StoredEvent,
  SubscriptionRunner,
  SubscriptionStalledError,
} from '@runlet/event-store';
import { READ_MODELS_SUBSCRIPTION } from '@runlet/read-models';

export const PROJECTIONS = Symbol('PROJECTIONS');

/**
 * Runs the read-model projections as checkpointed subscriptions. `waitFor` lets a command
 * handler answer only once its own events are visible in the read models (read-your-writes).
 */
@Injectable()
export class ProjectionRunnerService implements OnModuleInit, OnApplicationShutdown {
  private readonly runner: SubscriptionRunner;
  private readonly listeners = new Set<(events: StoredEvent[]) => void>();

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    hints: EventHints,
    @Inject(PROJECTIONS) handlers: SubscriptionHandler[],
  ) {
    this.runner = new SubscriptionRunner(
      db,
      store,
      new CompositeHandler(READ_MODELS_SUBSCRIPTION, handlers),
      hints,
      {
        pollMs: 500,
        minIntervalMs: 100, // a caller waiting in `waitFor` is served at once
        onCommitted: (events) => {
          for (const listener of this.listeners) listener(events);
        },
      },
    );
  }

  onModuleInit(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  /** Called with the events of each batch this process applied to the read models, after commit. */
  onApplied(listener: (events: StoredEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Processes everything appended so far (e.g. before judging "no API key yet" on start); throws when it cannot. */
  drain(): Promise<number> {
    return this.runner.drain();
  }

  /**
   * Resolves once the read models include everything committed before this call, so a list
   * asked for right after an execution finished (its result came straight from the executor)
   * shows it.
   */
  async catchUp(timeoutMs = 2000): Promise<void> {
    await this.waitFor(await this.store.headPosition(), timeoutMs);
  }

  /**
   * Resolves when the read models include `position` (or after `timeoutMs`). Throws
   * SubscriptionStalledError (503) when they cannot get there: stuck on an event before it,
   * here or in the process that holds the lease.
   */
  async waitFor(position: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const local = this.runner.caughtUp(position);
    let done = false;
    let stalled: unknown;
    void local.then(
      () => (done = true),
      (err) => (stalled = err),
    );
    // Another instance may hold the lease; then its checkpoint (and failure) in the table tells.
    for (;;) {
      await Promise.race([local.catch(() => undefined), new Promise((r) => setTimeout(r, 25))]);
      if (stalled) throw stalled;
      if (done) return;
      const { position: reached, failure } = await readSubscriptionState(this.db, READ_MODELS_SUBSCRIPTION);
      if (reached >= position) return;
      if (failure && failure.position <= position && (failure.failures >= 2 || Date.now() >= deadline)) {
        throw new SubscriptionStalledError(failure);
      }
      if (Date.now() >= deadline) return;
    }
  }
}
