import { Queryable, StoredEvent, SubscriptionHandler } from '@runlet/event-store';
import { EventType, SCRIPT_EVENT_TYPES } from '@runlet/domain';

/** Keeps rm_scripts and rm_script_versions in step with the script streams. */
export class ScriptsProjection implements SubscriptionHandler {
  readonly name = 'projection:scripts';
  readonly eventTypes = SCRIPT_EVENT_TYPES;

  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    for (const e of events) await this.apply(e, tx);
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM rm_script_versions`);
    await tx.query(`DELETE FROM rm_scripts`);
  }

  private async apply(e: StoredEvent, tx: Queryable): Promise<void> {
    const d = e.data;
    const at = e.recordedAt;
    switch (e.type) {
      case EventType.ScriptCreated:
        await tx.query(
          `INSERT INTO rm_scripts (id, name, latest_version, created_at, updated_at) VALUES ($1, $2, 0, $3, $3)
           ON CONFLICT (id) DO NOTHING`,
          [d.scriptId, d.name, at],
        );
        return;
      case EventType.ScriptVersionSaved:
        await tx.query(
          `INSERT INTO rm_script_versions
             (script_id, version, code, language, dependencies, secrets, timeout_ms, memory_mb, network, reason, actor, created_at,
              max_attempts, notify_url)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
          [
            d.scriptId,
            d.version,
            d.code,
            d.language,
            JSON.stringify(d.dependencies),
            JSON.stringify(d.secrets),
            d.timeoutMs,
            d.memoryMb,
            d.network,
            d.reason ?? null,
            e.metadata?.actor ?? null,
            at,
            d.maxAttempts ?? 1,
            d.notifyUrl ?? null,
          ],
        );
        await tx.query(`UPDATE rm_scripts SET latest_version = $2, updated_at = $3 WHERE id = $1`, [
          d.scriptId,
          d.version,
          at,
        ]);
        return;
      case EventType.ScriptRenamed:
        await tx.query(`UPDATE rm_scripts SET name = $2, updated_at = $3 WHERE id = $1`, [
          d.scriptId,
          d.name,
          at,
        ]);
        return;
      case EventType.ScriptArchived:
        await tx.query(`UPDATE rm_scripts SET archived = true, updated_at = $2 WHERE id = $1`, [
          d.scriptId,
          at,
        ]);
        return;
      case EventType.ScriptVersionDeployed:
        await tx.query(`UPDATE rm_scripts SET deployed_version = $2, updated_at = $3 WHERE id = $1`, [
          d.scriptId,
          d.version,
          at,
        ]);
        return;
    }
  }
}
