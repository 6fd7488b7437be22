import { Queryable, StoredEvent, SubscriptionHandler } from '@runlet/event-store';

/** rm_executions: execution history for lists and filters (single executions are read from their stream). */
export class ExecutionsProjection implements SubscriptionHandler {
  readonly name = 'projection:executions';
  readonly eventTypes = [
    'ExecutionQueued',
    'ExecutionStarted',
    'ExecutionSucceeded',
    'ExecutionFailed',
    'ExecutionTimedOut',
    'ExecutionCancelled',
    'ExecutionSkipped',
  ];

  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    for (const e of events) await this.apply(e, tx);
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM rm_executions`);
  }

  private async apply(e: StoredEvent, tx: Queryable): Promise<void> {
    const d = e.data;
    const at = e.recordedAt;
    const set = (sql: string, params: unknown[]) =>
      tx.query(`UPDATE rm_executions SET ${sql} WHERE id = $1`, [d.executionId, ...params]);
    switch (e.type) {
      case 'ExecutionQueued':
        await tx.query(
          `INSERT INTO rm_executions (id, script_id, version, trigger_type, trigger_id, scheduled_at, status, input, queued_at, replay_of)
           VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
          [
            d.executionId,
            d.scriptId,
            d.version,
            d.trigger.type,
            d.trigger.id ?? null,
            d.trigger.scheduledAt ?? null,
            JSON.stringify(d.input ?? null),
            at,
            d.replayOf ?? null,
          ],
        );
        return;
      case 'ExecutionStarted':
        await set(`status = 'running', attempt = $2, started_at = $3, error = NULL`, [d.attempt, at]);
        return;
      case 'ExecutionSucceeded':
        await set(`status = 'succeeded', result = $2, finished_at = $3, duration_ms = $4`, [
          JSON.stringify(d.result ?? null),
          at,
          d.durationMs,
        ]);
        return;
      case 'ExecutionFailed':
        if (d.willRetry) await set(`status = 'queued', error = $2`, [JSON.stringify(d.error)]);
        else
          await set(`status = 'failed', error = $2, finished_at = $3, duration_ms = $4`, [
            JSON.stringify(d.error),
            at,
            d.durationMs,
          ]);
        return;
      case 'ExecutionTimedOut':
        await set(`status = 'timed_out', error = $2, finished_at = $3, duration_ms = $4`, [
          JSON.stringify(d.error),
          at,
          d.durationMs,
        ]);
        return;
      case 'ExecutionCancelled':
        await set(`status = 'cancelled', finished_at = $2, duration_ms = $3`, [at, d.durationMs ?? null]);
        return;
      case 'ExecutionSkipped':
        await set(`status = 'skipped', error = $2, finished_at = $3`, [
          JSON.stringify({ message: d.reason }),
          at,
        ]);
        return;
    }
  }
}
