import { Database } from './database';
import { failureOfRow, SubscriptionFailure } from './subscription-failure';

/** How far a subscription has committed (0 before its first batch), whichever process runs it. */
export async function readSubscriptionPosition(db: Database, name: string): Promise<number> {
  const [row] = await db.query(`SELECT position FROM subscriptions WHERE name = $1`, [name]);
  return Number(row?.position ?? 0);
}

/** A subscription's committed position and, when it is stuck, where and why (whichever process runs it). */
export async function readSubscriptionState(
  db: Database,
  name: string,
): Promise<{ position: number; failure: SubscriptionFailure | null }> {
  const [row] = await db.query(
    `SELECT name, position, failures, failed_position, failed_event_type, last_error, failing_since
       FROM subscriptions WHERE name = $1`,
    [name],
  );
  return {
    position: Number(row?.position ?? 0),
    failure: row && Number(row.failures) > 0 ? failureOfRow(row) : null,
  };
}
