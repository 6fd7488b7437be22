import { randomUUID } from 'node:crypto';
import { Database, Queryable, rowsOf } from './database';
import { EventStore } from './event-store';
import { EventHints } from './event-hints';
import { StoredEvent } from './types';

/**
 * A projection or process manager fed by a checkpointed subscription.
 * `handle` gets the batch and the transaction in which the checkpoint will be written: write
 * read-model changes through `tx` and they commit (or roll back) together with the checkpoint.
 */
export interface SubscriptionHandler {
  readonly name: string;
  /** Only these event types reach `handle` (the checkpoint still moves past the others). */
  readonly eventTypes?: string[];
  handle(events: StoredEvent[], tx: Queryable): Promise<void>;
  /** Clears the read model before a rebuild from position 0. */
  reset?(tx: Queryable): Promise<void>;
}

export interface SubscriptionOptions {
  batchSize?: number;
  /** Fallback poll when no hint arrives. */
  pollMs?: number;
  /**
   * Shortest pause between two batches: under a stream of appends the subscription catches up
   * in larger batches instead of running one transaction per append.
   */
  minIntervalMs?: number;
  leaseMs?: number;
  owner?: string;
}

/** Runs one handler: holds its lease row, processes batches, sleeps until a hint or the poll. */
export class SubscriptionRunner {
  private running = false;
  private loopDone?: Promise<void>;
  private wake?: () => void;
  private unsubscribe?: () => void;
  private readonly owner: string;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly minIntervalMs: number;
  /** Positions up to here are processed; `caughtUp(p)` resolves when it reaches p. */
  private processed = 0;
  private readonly waiters: { position: number; resolve: () => void }[] = [];

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly handler: SubscriptionHandler,
    private readonly hints?: EventHints,
    options: SubscriptionOptions = {},
  ) {
    this.owner = options.owner ?? `${process.pid}-${randomUUID()}`;
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.minIntervalMs = options.minIntervalMs ?? 0;
  }

  get name(): string {
    return this.handler.name;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // A hint for events already processed is ignored; others wake the loop (which batches them).
    this.unsubscribe = this.hints?.onAppended((position) => {
      if (position > this.processed) this.wake?.();
    });
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loopDone;
    await this.db
      .query(`UPDATE subscriptions SET lease_owner = NULL WHERE name = $1 AND lease_owner = $2`, [
        this.name,
        this.owner,
      ])
      .catch(() => undefined);
  }

  /** Resolves once every event up to `position` has been handled (by this runner). */
  caughtUp(position: number): Promise<void> {
    if (this.processed >= position) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ position, resolve });
      this.wake?.();
    });
  }

  /** Processes batches until nothing is left; returns how many events it handled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.processBatch();
      if (n < 0) return total; // another owner holds the lease
      total += n;
      if (n === 0) return total;
    }
  }

  /** Clears the read model and the checkpoint in one transaction; the loop then replays all. */
  async rebuild(): Promise<void> {
    await this.ensureRow();
    await this.db.transaction(async (tx) => {
      await this.handler.reset?.(tx);
      await tx.query(`UPDATE subscriptions SET position = 0 WHERE name = $1`, [this.name]);
    });
    this.processed = 0;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    await this.ensureRow().catch(() => undefined);
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.processBatch();
      } catch (err) {
        console.error(`[subscription ${this.name}]`, err);
      }
      if (handled > 0 && this.minIntervalMs > 0) await new Promise((r) => setTimeout(r, this.minIntervalMs));
      if (handled > 0 || !this.running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      // Woken by a hint: let the appends that come with it (an execution makes three) arrive too,
      // so they are handled in one transaction rather than one each.
      if (this.minIntervalMs > 0 && this.running) await new Promise((r) => setTimeout(r, this.minIntervalMs));
    }
  }

  private async ensureRow(): Promise<void> {
    await this.db.query(
      `INSERT INTO subscriptions (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`,
      [this.name],
    );
  }

  /**
   * One batch in one transaction: take (or renew) the lease, read after the checkpoint,
   * handle, move the checkpoint. Returns the events read, or -1 without the lease.
   */
  private async processBatch(): Promise<number> {
    const result = await this.db.transaction(async (tx) => {
      const leased = rowsOf<any>(
        await tx.query(
          `UPDATE subscriptions
             SET lease_owner = $2, lease_until = now() + ($3::int * interval '1 millisecond')
           WHERE name = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now())
           RETURNING position`,
          [this.name, this.owner, this.leaseMs],
        ),
      );
      if (leased.length === 0) return { read: -1, position: this.processed };
      const from = Number(leased[0].position);
      const events = await this.store.readAll({ after: from, limit: this.batchSize });
      if (events.length === 0) return { read: 0, position: from };
      const wanted = this.handler.eventTypes;
      const batch = wanted ? events.filter((e) => wanted.includes(e.type)) : events;
      if (batch.length > 0) await this.handler.handle(batch, tx);
      const to = events[events.length - 1].position;
      await tx.query(`UPDATE subscriptions SET position = $2 WHERE name = $1`, [this.name, to]);
      return { read: events.length, position: to };
    });
    this.processed = result.position;
    this.release();
    return result.read;
  }

  private release(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].position <= this.processed) {
        this.waiters[i].resolve();
        this.waiters.splice(i, 1);
      }
    }
  }
}
