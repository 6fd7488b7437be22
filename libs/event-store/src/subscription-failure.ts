import { rowsOf } from './database';

/** Where a subscription is stuck and why; `failures` counts the attempts in a row that failed there. */
export interface SubscriptionFailure {
  subscription: string;
  /** The event it cannot get past (the next one after its checkpoint when no event was read). */
  position: number;
  /** Its type, when the failure happened applying it (null: reading or the lease failed). */
  eventType: string | null;
  error: string;
  failures: number;
  since: string;
}

/**
 * A request waits for read models that cannot get past an event: answered 503 with the reason
 * rather than with what the read models show without it.
 */
export class SubscriptionStalledError extends Error {
  constructor(readonly failure: SubscriptionFailure) {
    super(
      `the read models are stuck: subscription ${failure.subscription} cannot apply the event at position ` +
        `${failure.position}${failure.eventType ? ` (${failure.eventType})` : ''}: ${failure.error}`,
    );
    this.name = 'SubscriptionStalledError';
  }
}

/** The failures every process's subscriptions recorded on their rows (see SubscriptionRunner). */
export async function readSubscriptionFailures(
  db: { query(sql: string, params?: unknown[]): Promise<unknown> },
  name?: string,
): Promise<SubscriptionFailure[]> {
  const rows = rowsOf<any>(
    await db.query(
      `SELECT name, failed_position, failed_event_type, last_error, failures, failing_since
         FROM subscriptions WHERE failures > 0 ${name ? 'AND name = $1' : ''} ORDER BY name`,
      name ? [name] : [],
    ),
  );
  return rows.map(failureOfRow);
}

export function failureOfRow(row: any): SubscriptionFailure {
  return {
    subscription: row.name,
    position: Number(row.failed_position),
    eventType: row.failed_event_type ?? null,
    error: row.last_error ?? '',
    failures: Number(row.failures),
    since: row.failing_since instanceof Date ? row.failing_since.toISOString() : String(row.failing_since),
  };
}
