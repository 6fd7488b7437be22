import { Database } from './database';

/** How far a subscription has committed (0 before its first batch), whichever process runs it. */
export async function readSubscriptionPosition(db: Database, name: string): Promise<number> {
  const [row] = await db.query(`SELECT position FROM subscriptions WHERE name = $1`, [name]);
  return Number(row?.position ?? 0);
}
