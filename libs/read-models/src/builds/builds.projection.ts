import { Queryable, StoredEvent, SubscriptionHandler } from '@runlet/event-store';
import { EventType, BUILD_EVENT_TYPES } from '@runlet/domain';

/** Keeps rm_builds, and the latest build's state on rm_scripts, in step with the build streams. */
export class BuildsProjection implements SubscriptionHandler {
  readonly name = 'projection:builds';
  readonly eventTypes = BUILD_EVENT_TYPES;

  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    for (const e of events) await this.apply(e, tx);
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM rm_builds`);
    await tx.query(`UPDATE rm_scripts SET build_status = NULL, build_version = NULL, build_error = NULL`);
  }

  private async apply(e: StoredEvent, tx: Queryable): Promise<void> {
    const d = e.data;
    const at = e.recordedAt;
    switch (e.type) {
      case EventType.BuildRequested:
        await tx.query(
          `INSERT INTO rm_builds (id, script_id, version, status, upgrade, requested_at)
           VALUES ($1, $2, $3, 'pending', $4, $5) ON CONFLICT (id) DO NOTHING`,
          [d.buildId, d.scriptId, d.version, d.upgrade === true, at],
        );
        return this.scriptBuild(tx, d, 'pending', null);
      case EventType.BuildStarted:
        await tx.query(
          `UPDATE rm_builds SET status = 'building', attempt = $2, started_at = $3 WHERE id = $1`,
          [d.buildId, d.attempt, at],
        );
        return this.scriptBuild(tx, d, 'building', null);
      case EventType.BuildSucceeded:
        await tx.query(
          `UPDATE rm_builds SET status = 'succeeded', cache_hit = $2, resolved_dependencies = $3, lockfile_hash = $4,
             changes = $5, duration_ms = $6, finished_at = $7 WHERE id = $1`,
          [
            d.buildId,
            d.cacheHit,
            JSON.stringify(d.resolvedDependencies ?? {}),
            d.lockfileHash,
            JSON.stringify(d.changes ?? {}),
            Math.round(d.durationMs ?? 0),
            at,
          ],
        );
        return this.scriptBuild(tx, d, 'succeeded', null);
      case EventType.BuildFailed:
        await tx.query(
          `UPDATE rm_builds SET status = 'failed', error = $2, error_location = $3, finished_at = $4,
             duration_ms = (EXTRACT(EPOCH FROM ($4::timestamptz - requested_at)) * 1000)::int WHERE id = $1`,
          [d.buildId, d.reason, d.location ? JSON.stringify(d.location) : null, at],
        );
        return this.scriptBuild(tx, d, 'failed', d.reason);
    }
  }

  /** The script shows its newest version's build; an older build finishing late does not overwrite it. */
  private async scriptBuild(tx: Queryable, d: any, status: string, error: string | null): Promise<void> {
    await tx.query(
      `UPDATE rm_scripts SET build_status = $2, build_version = $3, build_error = $4
       WHERE id = $1 AND (build_version IS NULL OR build_version <= $3)`,
      [d.scriptId, status, d.version, error],
    );
  }
}
