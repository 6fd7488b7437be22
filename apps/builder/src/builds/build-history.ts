import { Database, EventStore } from '@runlet/event-store';
import {
  BuildSucceeded,
  evolveScript,
  ScriptEvent,
  ScriptSpec,
  scriptStreamId,
  ScriptState,
} from '@runlet/domain';

export type SucceededBuild = BuildSucceeded['data'];

/**
 * What a build needs to know from the log. Read from events, not read models: the builder role
 * may run in a process without the API and its projections.
 */
export class BuildHistory {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  async scriptVersion(scriptId: string, version: number): Promise<ScriptSpec | undefined> {
    const events = await this.store.readStream(scriptStreamId(scriptId));
    const state = events.reduce<ScriptState | undefined>(
      (s, e) => evolveScript(s, { type: e.type, data: e.data } as ScriptEvent),
      undefined,
    );
    return state?.versions[version];
  }

  /** The script's last successful build (its lockfile seeds the next build). Uses the scriptId index. */
  async lastSuccess(scriptId: string): Promise<SucceededBuild | undefined> {
    const [row] = await this.db.query(
      `SELECT data FROM events WHERE data->>'scriptId' = $1 AND event_type = 'BuildSucceeded'
       ORDER BY global_position DESC LIMIT 1`,
      [scriptId],
    );
    return row?.data;
  }

  /**
   * Lockfile hashes still needed: those of each script's deployed version and of every build
   * recorded since `since`.
   */
  async referencedLockfileHashes(since: Date): Promise<Set<string>> {
    const rows = await this.db.query(
      `WITH deployed AS (
         SELECT DISTINCT ON (data->>'scriptId') data->>'scriptId' AS script_id, (data->>'version')::int AS version
         FROM events WHERE event_type = 'ScriptVersionDeployed'
         ORDER BY data->>'scriptId', global_position DESC
       )
       SELECT DISTINCT b.data->>'lockfileHash' AS hash FROM events b
       WHERE b.event_type = 'BuildSucceeded'
         AND (b.recorded_at >= $1 OR EXISTS (
           SELECT 1 FROM deployed d WHERE d.script_id = b.data->>'scriptId' AND d.version = (b.data->>'version')::int))`,
      [since],
    );
    return new Set(rows.map((r: any) => r.hash).filter(Boolean));
  }
}
