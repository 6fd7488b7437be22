import { EventType } from '@runlet/domain';
import type { Database, Queryable } from '@runlet/event-store';
import { deleteExecutionLogs } from '@runlet/logs';
import { READ_MODELS_SUBSCRIPTION } from '@runlet/read-models';

const ENDED = [
  EventType.ExecutionSucceeded,
  EventType.ExecutionFailed,
  EventType.ExecutionTimedOut,
  EventType.ExecutionCancelled,
  EventType.ExecutionSkipped,
];

export interface ExecutionRetentionOptions {
  /** Executions that ended more than this many days ago are removed. */
  days: number;
  /** Executions removed per transaction: small, so no lock is held long. */
  batch?: number;
  /** Expired executions found by one query, then removed batch by batch (default 25 batches). */
  scan?: number;
  /** How often to sweep. */
  everyMs?: number;
}

/**
 * RUNLET_EXECUTION_RETENTION_DAYS: removes executions that ended before the cutoff — their
 * streams from the event store, their `rm_executions` rows and their log lines — in small
 * batches, each one short transaction of plain deletes (PostgreSQL and CockroachDB alike).
 * Script, trigger, build, secret and api-key streams are never touched. Only executions the read
 * models have wholly applied are removed, and in the same transaction the triggers' firing
 * tallies drop what the removed TriggerFired events had added, so the read models stay equal to
 * a rebuild from position 0 of the retained events. The read models' subscription row is locked
 * for the batch (the projection's checkpoint write waits for it) so neither side sees half of the other.
 */
export class ExecutionRetention {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;
  private readonly batch: number;
  private readonly scan: number;

  constructor(
    private readonly db: Database,
    private readonly options: ExecutionRetentionOptions,
  ) {
    this.batch = options.batch ?? 200;
    this.scan = options.scan ?? this.batch * 25;
  }

  start(): void {
    this.timer = setInterval(() => void this.sweepInBackground(), this.options.everyMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Removes every execution past the cutoff; resolves to how many. One query finds up to `scan` of
   * them (a query per batch re-read the whole backlog, and the dead rows of the batches before, each
   * time: a sweep cost the square of its backlog and fell behind under load), then they go batch by
   * batch. A found execution stays removable: it has ended (no event follows a terminal one) and the
   * read models' position only moves on.
   */
  async sweep(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.days * 24 * 3600 * 1000);
    let removed = 0;
    for (;;) {
      const found = await this.expired(cutoff);
      for (let i = 0; i < found.length; i += this.batch) {
        const streams = found.slice(i, i + this.batch);
        removed += await this.db.transaction((tx) => this.removeBatch(tx, streams));
      }
      if (found.length < this.scan) return removed;
    }
  }

  private async sweepInBackground(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = this.sweep().catch((err) => {
      console.error(`[retention] removing expired executions failed: ${(err as Error).message}`);
      return 0;
    });
    await this.sweeping;
    this.sweeping = undefined;
  }

  /** Streams of executions that ended before `cutoff` and that the read models have wholly applied. */
  private async expired(cutoff: Date): Promise<string[]> {
    // No ORDER BY: any expired ones will do, and without it the scan stops at `scan` rows.
    const rows = await this.db.query(
      `SELECT e.stream_id FROM events e, subscriptions s
       WHERE s.name = $1 AND e.event_type = ANY($2) AND e.recorded_at < $3 AND e.stream_id LIKE 'execution-%'
         AND NOT EXISTS (SELECT 1 FROM events l WHERE l.stream_id = e.stream_id AND l.global_position > s.position)
       LIMIT $4`,
      [READ_MODELS_SUBSCRIPTION, ENDED, cutoff.toISOString(), this.scan],
    );
    return rows.map((r: { stream_id: string }) => r.stream_id);
  }

  private async removeBatch(tx: Queryable, streams: string[]): Promise<number> {
    const [checkpoint] = await tx.query(`SELECT position FROM subscriptions WHERE name = $1 FOR UPDATE`, [
      READ_MODELS_SUBSCRIPTION,
    ]);
    if (!checkpoint) return 0;
    // Checked again under the lock: a read-model rebuild since the search starts over from position 0,
    // and an execution it has not applied again must stay. A SELECT over the DELETE: TypeORM answers
    // a bare DELETE … RETURNING as [rows, count].
    const removed = await tx.query(
      `WITH gone AS (
         DELETE FROM events WHERE stream_id = ANY($1)
           AND stream_id NOT IN (SELECT stream_id FROM events WHERE stream_id = ANY($1) AND global_position > $2)
         RETURNING stream_id, event_type, data)
       SELECT * FROM gone`,
      [streams, checkpoint.position],
    );
    await untally(
      tx,
      removed
        .filter((e: { event_type: string }) => e.event_type === EventType.TriggerFired)
        .map((e: any) => e.data),
      checkpoint.position,
    );
    // Those removed here (another executor's sweep may have been first, a rebuild may hold some back).
    const removedStreams: string[] = removed.map((e: { stream_id: string }) => e.stream_id);
    const ids = [...new Set(removedStreams)].map((stream) => stream.slice('execution-'.length));
    await tx.query(`DELETE FROM rm_executions WHERE id = ANY($1)`, [ids]);
    await deleteExecutionLogs(tx, ids);
    return ids.length;
  }
}

/**
 * Takes removed firings out of `rm_triggers`: the count drops by them; where a removed firing
 * was the latest one shown, the latest is taken again from the retained firings (rare: the
 * removed ones are the oldest).
 */
async function untally(
  tx: Queryable,
  firings: { triggerId: string; firedAt: string; scheduledAt?: string }[],
  upTo: number,
): Promise<void> {
  if (!firings.length) return;
  const removed = new Map<
    string,
    { id: string; count: number; firedAt: string; scheduledAt: string | null }
  >();
  for (const f of firings) {
    const r = removed.get(f.triggerId) ?? {
      id: f.triggerId,
      count: 0,
      firedAt: f.firedAt,
      scheduledAt: null,
    };
    r.count++;
    if (f.firedAt > r.firedAt) r.firedAt = f.firedAt;
    if (f.scheduledAt && (!r.scheduledAt || f.scheduledAt > r.scheduledAt)) r.scheduledAt = f.scheduledAt;
    removed.set(f.triggerId, r);
  }
  const retained = (field: string) =>
    `(SELECT max((e.data->>'${field}')::timestamptz) FROM events e
      WHERE e.event_type = 'TriggerFired' AND e.data->>'triggerId' = t.id AND e.global_position <= $2)`;
  await tx.query(
    `UPDATE rm_triggers t SET
       fire_count = t.fire_count - f.count,
       last_fired_at = CASE WHEN f."firedAt" >= t.last_fired_at THEN ${retained('firedAt')} ELSE t.last_fired_at END,
       last_scheduled_at = CASE WHEN f."scheduledAt" >= t.last_scheduled_at THEN ${retained('scheduledAt')}
                                ELSE t.last_scheduled_at END
     FROM jsonb_to_recordset($1::jsonb) AS f(id TEXT, count INT, "firedAt" TIMESTAMPTZ, "scheduledAt" TIMESTAMPTZ)
     WHERE t.id = f.id`,
    [JSON.stringify([...removed.values()]), upTo],
  );
}
