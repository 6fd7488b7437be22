import { Queryable, StoredEvent, SubscriptionHandler } from '@runlet/event-store';
import { EventType, EXECUTION_EVENT_TYPES } from '@runlet/domain';
import { foldExecutionEvents } from './execution-row-changes';

const INSERT_ROWS = `
INSERT INTO rm_executions (id, script_id, version, trigger_type, trigger_id, scheduled_at, status, input,
                           result, error, attempt, queued_at, started_at, finished_at, duration_ms, replay_of)
SELECT r.id, r.script_id, r.version, r.trigger_type, r.trigger_id, r.scheduled_at, r.status, r.input,
       r.result, r.error, COALESCE(r.attempt, 0), r.queued_at, r.started_at, r.finished_at, r.duration_ms, r.replay_of
FROM jsonb_to_recordset($1::jsonb) AS r(id TEXT, script_id TEXT, version INT, trigger_type TEXT, trigger_id TEXT,
       scheduled_at TIMESTAMPTZ, status TEXT, input JSONB, result JSONB, error JSONB, attempt INT,
       queued_at TIMESTAMPTZ, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, duration_ms INT, replay_of TEXT)
ON CONFLICT (id) DO NOTHING`;

/** Each column is set only when the patch has its key (a key with null clears it). */
const PATCH_ROWS = `
UPDATE rm_executions r SET
  status = COALESCE(p.doc->>'status', r.status),
  attempt = COALESCE((p.doc->>'attempt')::INT, r.attempt),
  started_at = CASE WHEN p.doc ? 'started_at' THEN (p.doc->>'started_at')::TIMESTAMPTZ ELSE r.started_at END,
  finished_at = CASE WHEN p.doc ? 'finished_at' THEN (p.doc->>'finished_at')::TIMESTAMPTZ ELSE r.finished_at END,
  duration_ms = CASE WHEN p.doc ? 'duration_ms' THEN (p.doc->>'duration_ms')::INT ELSE r.duration_ms END,
  result = CASE WHEN p.doc ? 'result' THEN p.doc->'result' ELSE r.result END,
  error = CASE WHEN p.doc ? 'error' THEN NULLIF(p.doc->'error', 'null'::JSONB) ELSE r.error END
FROM jsonb_to_recordset($1::jsonb) AS p(id TEXT, doc JSONB)
WHERE r.id = p.id`;

/** rm_executions: execution history for lists and filters (single executions are read from their stream). */
export class ExecutionsProjection implements SubscriptionHandler {
  readonly name = 'projection:executions';
  /** Every execution event but TriggerFired (the triggers projection counts firings). */
  readonly eventTypes = EXECUTION_EVENT_TYPES.filter((t) => t !== EventType.TriggerFired);

  /** Two statements per batch at most, however many executions it holds. */
  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    const { inserts, patches } = foldExecutionEvents(events);
    if (inserts.length > 0) await tx.query(INSERT_ROWS, [JSON.stringify(inserts)]);
    if (patches.size > 0) {
      const rows = [...patches].map(([id, doc]) => ({ id, doc }));
      await tx.query(PATCH_ROWS, [JSON.stringify(rows)]);
    }
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM rm_executions`);
  }
}
