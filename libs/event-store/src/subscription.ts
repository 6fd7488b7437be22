import { randomUUID } from 'node:crypto';
import { Database, Queryable, rowsOf } from './database';
import { EventStore } from './event-store';
import { EventHints } from './event-hints';
import { StoredEvent } from './types';
import { SubscriptionFailure, SubscriptionStalledError } from './subscription-failure';

/**
 * A projection or process manager fed by a checkpointed subscription.
 * `handle` gets the batch and the transaction in which the checkpoint will be written: write
 * read-model changes through `tx` and they commit (or roll back) together with the checkpoint.
 */
export interface SubscriptionHandler {
  readonly name: string;
  /** Only these event types reach `handle` (the checkpoint still moves past the others). */
  readonly eventTypes?: readonly string[];
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
   * in larger batches instead of running one transaction per append. Skipped while a caller
   * waits in `caughtUp`.
   */
  minIntervalMs?: number;
  leaseMs?: number;
  owner?: string;
  /**
   * A batch with nothing for the handler opens no transaction; the checkpoint catches up with
   * the next lease renewal or handled batch. For handlers nobody waits on by checkpoint (process
   * managers); read models keep an exact checkpoint that other processes can wait for.
   */
  lazyCheckpoints?: boolean;
  /** Called with each handled batch once its transaction has committed. */
  onCommitted?: (events: StoredEvent[]) => void;
  /** First pause after a failed batch; it doubles with each failure in a row, up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Where failures are reported (default: console.error); called with backoff, not on every retry. */
  log?: (message: string, error?: unknown) => void;
}

/** The checkpoint had moved on or the lease was taken: the batch is rolled back. */
class LeaseLost extends Error {}

/** A batch of several events failed: it is retried one event at a time to find the one that fails. */
class RetryAlone extends Error {}

/** A failure while applying `event` (undefined: reading or the lease failed). */
class BatchFailed extends Error {
  constructor(
    override readonly cause: unknown,
    readonly event: StoredEvent | undefined,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Every runner started in this process (health and metrics report on them). */
const runners = new Set<SubscriptionRunner>();

export function runningSubscriptions(): SubscriptionRunner[] {
  return [...runners];
}

/** Failure n is logged when n is a power of two: 1, 2, 4, 8… */
const isLogged = (n: number) => (n & (n - 1)) === 0;

/** Runs one handler: holds its lease row, processes batches, sleeps until a hint or the poll. */
export class SubscriptionRunner {
  private running = false;
  private loopDone?: Promise<void>;
  private wake?: () => void;
  private hurry?: () => void;
  private unsubscribe?: () => void;
  private readonly owner: string;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly minIntervalMs: number;
  private readonly lazyCheckpoints: boolean;
  private readonly onCommitted?: (events: StoredEvent[]) => void;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  /** The event this runner cannot get past, while it cannot. */
  private failure?: SubscriptionFailure;
  /** The row may hold a failure (recorded here or by a previous owner) to clear on success. */
  private rowFailed = false;
  /** Failed batches since start, for metrics. */
  private failedBatches = 0;
  /** Until this position, batches hold one event (after a failed batch, to find the event that fails). */
  private aloneUntil = 0;
  private interrupt?: () => void;
  /** Positions up to here are processed; `caughtUp(p)` resolves when it reaches p. */
  private processed = 0;
  /** The position stored in the subscription's row, as far as this runner knows. */
  private checkpointed = 0;
  /** Until when (local clock) this runner's lease is known to hold without asking. */
  private leaseFreshUntil = 0;
  private readonly waiters: { position: number; resolve: () => void; reject: (err: Error) => void }[] = [];

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
    this.lazyCheckpoints = options.lazyCheckpoints ?? false;
    this.onCommitted = options.onCommitted;
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.log = options.log ?? ((message, error) => console.error(message, ...(error ? [error] : [])));
  }

  get name(): string {
    return this.handler.name;
  }

  /** Why this runner cannot move on, while it cannot. */
  get failing(): SubscriptionFailure | undefined {
    return this.failure;
  }

  /** Batches that failed since start. */
  get failureCount(): number {
    return this.failedBatches;
  }

  /** How many events lie between the head of the log and the checkpoint (this runner's or its row's). */
  async lag(): Promise<number> {
    const [row] = rowsOf<any>(
      await this.db.query(
        `SELECT h.position AS head, s.position FROM log_head h LEFT JOIN subscriptions s ON s.name = $1 WHERE h.id = 1`,
        [this.name],
      ),
    );
    if (!row) return 0;
    return Math.max(0, Number(row.head) - Math.max(this.processed, Number(row.position ?? 0)));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    runners.add(this);
    // A hint for events already processed is ignored; others wake the loop (which batches them).
    this.unsubscribe = this.hints?.onAppended((position) => {
      if (position > this.processed) this.wake?.();
    });
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    runners.delete(this);
    this.unsubscribe?.();
    this.wake?.();
    this.hurry?.();
    this.interrupt?.();
    await this.loopDone;
    await this.db
      .query(
        `UPDATE subscriptions
           SET lease_owner = NULL, position = CASE WHEN position = $3 THEN $4 ELSE position END
         WHERE name = $1 AND lease_owner = $2`,
        [this.name, this.owner, this.checkpointed, this.processed],
      )
      .catch(() => undefined);
  }

  /**
   * Resolves once every event up to `position` has been handled (by this runner); rejects with
   * SubscriptionStalledError when the runner is stuck before it (it failed there more than once).
   */
  caughtUp(position: number): Promise<void> {
    if (this.processed >= position) return Promise.resolve();
    if (this.stalledBefore(position)) return Promise.reject(new SubscriptionStalledError(this.failure!));
    return new Promise((resolve, reject) => {
      this.waiters.push({ position, resolve, reject });
      this.wake?.();
      this.hurry?.();
    });
  }

  /** Processes batches until nothing is left; returns how many events it handled. A failure is recorded and thrown. */
  async drain(): Promise<number> {
    await this.ensureRow();
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = await this.processBatch();
      } catch (err) {
        if (err instanceof RetryAlone) continue;
        await this.recordFailure(err);
        throw err instanceof BatchFailed ? err.cause : err;
      }
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
    this.checkpointed = 0;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    await this.ensureRow().catch(() => undefined);
    while (this.running) {
      let handled: number;
      try {
        handled = await this.processBatch();
      } catch (err) {
        if (err instanceof RetryAlone) continue;
        // Neither hints nor waiters cut the pause short: a failing event is retried with backoff.
        await this.sleep(await this.recordFailure(err));
        continue;
      }
      if (handled > 0) await this.pause();
      if (handled > 0 || !this.running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      // Woken by a hint: let the appends that come with it (an execution makes two or three) arrive too,
      // so they are handled in one transaction rather than one each.
      if (this.running) await this.pause();
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.interrupt = undefined));
  }

  /**
   * Records a failed batch: on this runner (health, metrics, waiters) and on its row (other
   * processes). Logs failures 1, 2, 4, 8… in a row at the same place; returns the pause before the retry.
   */
  private async recordFailure(err: unknown): Promise<number> {
    const event = err instanceof BatchFailed ? err.event : undefined;
    const cause = err instanceof BatchFailed ? err.cause : err;
    const position = event?.position ?? this.processed + 1;
    const same = this.failure?.position === position;
    const failures = same ? this.failure!.failures + 1 : 1;
    this.failedBatches++;
    this.failure = {
      subscription: this.name,
      position,
      eventType: event?.type ?? null,
      error: cause instanceof Error ? cause.message : String(cause),
      failures,
      since: same ? this.failure!.since : new Date().toISOString(),
    };
    const pause = Math.min(this.retryBaseMs * 2 ** Math.min(failures - 1, 30), this.retryMaxMs);
    if (isLogged(failures)) {
      const what = event
        ? `the event at position ${position} (${event.type})`
        : `past position ${this.processed}`;
      this.log(
        `[subscription ${this.name}] cannot apply ${what}, failure ${failures} in a row; ` +
          `retrying in ${pause} ms (logged again at failure ${failures * 2}): ${this.failure.error}`,
        // The stack once, not the error object: a query error carries its parameters (whole scripts).
        failures === 1 && cause instanceof Error ? cause.stack : undefined,
      );
    }
    this.rowFailed = true;
    await this.db
      .query(
        `UPDATE subscriptions SET failures = $3, failed_position = $4, failed_event_type = $5, last_error = $6,
                failing_since = $7 WHERE name = $1 AND (lease_owner = $2 OR lease_owner IS NULL)`,
        [
          this.name,
          this.owner,
          failures,
          position,
          this.failure.eventType,
          this.failure.error.slice(0, 2000),
          this.failure.since,
        ],
      )
      .catch(() => undefined); // the database may be what fails
    if (failures >= 2) this.rejectStalled();
    return pause;
  }

  /** After a success: the failure is over, here and on the row. */
  private async clearFailure(): Promise<void> {
    if (this.failure)
      this.log(`[subscription ${this.name}] applied position ${this.failure.position} again; moving on`);
    this.failure = undefined;
    if (!this.rowFailed) return;
    await this.db
      .query(
        `UPDATE subscriptions SET failures = 0, failed_position = NULL, failed_event_type = NULL, last_error = NULL,
                failing_since = NULL WHERE name = $1`,
        [this.name],
      )
      .then(
        () => (this.rowFailed = false),
        () => undefined,
      );
  }

  /** Another runner holds the lease: its progress (and failures, on the row) are what counts now. */
  private standBy(): -1 {
    this.failure = undefined;
    return -1;
  }

  private stalledBefore(position: number): boolean {
    return !!this.failure && this.failure.failures >= 2 && this.failure.position <= position;
  }

  private rejectStalled(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.stalledBefore(this.waiters[i].position)) {
        this.waiters[i].reject(new SubscriptionStalledError(this.failure!));
        this.waiters.splice(i, 1);
      }
    }
  }

  /** Waits `minIntervalMs`, unless someone waits for a position (read-your-writes goes first). */
  private pause(): Promise<void> {
    if (this.minIntervalMs <= 0 || this.waiters.length > 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.minIntervalMs);
      this.hurry = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.hurry = undefined));
  }

  private async ensureRow(): Promise<void> {
    await this.db.query(
      `INSERT INTO subscriptions (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`,
      [this.name],
    );
  }

  /**
   * One batch: make sure of the lease, read after what was processed, then handle and move the
   * checkpoint in one transaction. The checkpoint only moves from where this runner knows it is
   * and while it holds the lease, so a runner that lost its lease rolls its batch back.
   * With `lazyCheckpoints`, a batch with nothing for the handler opens no transaction.
   * Returns the events read (0: caught up), or -1 without the lease.
   */
  private async processBatch(): Promise<number> {
    if (this.leaseFreshUntil - Date.now() < this.leaseMs / 2 && !(await this.renewLease()))
      return this.standBy();
    const from = this.processed;
    const { batch, to, read } = await this.read(from, from < this.aloneUntil ? 1 : this.batchSize);
    if (to <= from) {
      if (this.failure || this.rowFailed) await this.clearFailure();
      return 0;
    }
    if (batch.length === 0 && this.lazyCheckpoints) {
      this.advance(to);
      if (this.failure || this.rowFailed) await this.clearFailure();
      return read;
    }
    const renewedAt = Date.now();
    try {
      await this.db.transaction(async (tx) => {
        // The checkpoint first: its row is locked before any read-model row, the order execution
        // retention takes them in (it locks this row, then corrects rm_ rows), so the two never
        // deadlock. Written before the handler, it commits or rolls back with its changes all the same.
        const moved = rowsOf<any>(
          await tx.query(
            `UPDATE subscriptions
               SET position = $2, lease_until = now() + ($5::int * interval '1 millisecond')
             WHERE name = $1 AND lease_owner = $3 AND position = $4
             RETURNING position`,
            [this.name, to, this.owner, this.checkpointed, this.leaseMs],
          ),
        );
        if (moved.length === 0) throw new LeaseLost();
        if (batch.length > 0) await this.handler.handle(batch, tx);
      });
    } catch (err) {
      this.leaseFreshUntil = 0; // look at the lease row again before the next batch
      if (err instanceof LeaseLost) return this.standBy();
      if (batch.length > 1) {
        this.aloneUntil = to;
        throw new RetryAlone();
      }
      throw new BatchFailed(err, batch[0]);
    }
    this.leaseFreshUntil = renewedAt + this.leaseMs;
    this.checkpointed = to;
    if (this.failure || this.rowFailed) await this.clearFailure();
    if (batch.length > 0) this.onCommitted?.(batch);
    this.advance(to);
    return read;
  }

  /**
   * The next batch for the handler, the position it covers up to, and how many events it read.
   * A handler of a few types reads only those, in SQL (and none when it is covered to the head).
   */
  private async read(
    from: number,
    limit: number,
  ): Promise<{ batch: StoredEvent[]; to: number; read: number }> {
    const wanted = this.handler.eventTypes;
    if (wanted) {
      const { events, coveredTo } = await this.store.readTypes(from, wanted, limit);
      return { batch: events, to: coveredTo, read: events.length };
    }
    const events = await this.store.readAll({ after: from, limit });
    const to = events.length > 0 ? events[events.length - 1].position : from;
    return { batch: events, to, read: events.length };
  }

  /**
   * Takes or renews the lease. A runner renewing its own lease also stores how far it got; one
   * taking the lease over starts from the stored checkpoint.
   */
  private async renewLease(): Promise<boolean> {
    const at = Date.now();
    const [row] = rowsOf<any>(
      await this.db.query(
        `UPDATE subscriptions
           SET position = CASE WHEN lease_owner = $2 AND position = $4 THEN $5 ELSE position END,
               lease_owner = $2, lease_until = now() + ($3::int * interval '1 millisecond')
         WHERE name = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now())
         RETURNING position, failures`,
        [this.name, this.owner, this.leaseMs, this.checkpointed, this.processed],
      ),
    );
    if (!row) return false;
    if (Number(row.failures) > 0) this.rowFailed = true; // a previous owner's failure, cleared once past it
    this.leaseFreshUntil = at + this.leaseMs;
    this.checkpointed = Number(row.position);
    this.processed = this.checkpointed;
    this.release();
    return true;
  }

  private advance(position: number): void {
    this.processed = position;
    this.release();
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
