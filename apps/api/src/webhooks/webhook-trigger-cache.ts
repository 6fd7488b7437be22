import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Database } from '@runlet/event-store';
import { changedScripts, ReadModelCache, ProjectionRunnerService } from '@runlet/platform';
import { PlatformKey } from '../triggers/platform-key';
import { decryptSecret } from './http';

export interface WebhookTarget {
  triggerId: string;
  scriptId: string;
  type: 'cron' | 'http';
  auth: 'none' | 'token' | 'hmac';
  mode: 'sync' | 'async';
  paused: boolean;
  input: unknown;
  deployedVersion: number | null;
  /** Token hashes and HMAC secrets accepted now (current, plus the previous one in its grace period). */
  tokenHashes: string[];
  hmacSecrets: string[];
  graceUntil: number | null;
}

/** Trigger events that change a webhook target (a firing does not). */
const TARGET_CHANGES = /^Trigger(Created|Updated|Paused|Resumed|Deleted|SecretRotated)$/;

/**
 * The webhook hot path reads its trigger (and its script's deployed version) from memory: one
 * query per trigger per second at most. Dropped as soon as this process applies a change of the
 * trigger or its script (a new deploy included), or makes one (`forget`); changes applied by
 * another API process are seen within a second.
 */
@Injectable()
export class WebhookTriggerCache implements OnModuleDestroy {
  private readonly cache = new ReadModelCache<WebhookTarget | null>(1000);
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Database,
    private readonly platformKey: PlatformKey,
    projections: ProjectionRunnerService,
  ) {
    this.unsubscribe = projections.onApplied((events) => {
      for (const e of events) if (TARGET_CHANGES.test(e.type)) this.cache.forget(e.data.triggerId);
      const scripts = new Set(changedScripts(events));
      if (scripts.size > 0) this.cache.forgetWhere((target) => !!target && scripts.has(target.scriptId));
    });
  }

  get(triggerId: string): Promise<WebhookTarget | null> {
    return this.cache.get(triggerId, () => this.load(triggerId));
  }

  /** A change this process made, seen at once even when another process runs the projections. */
  forget(triggerId: string): void {
    this.cache.forget(triggerId);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private async load(triggerId: string): Promise<WebhookTarget | null> {
    const [r] = await this.db.query(
      `SELECT t.*, s.deployed_version FROM rm_triggers t JOIN rm_scripts s ON s.id = t.script_id
        WHERE t.id = $1 AND NOT t.deleted AND NOT s.archived`,
      [triggerId],
    );
    if (!r) return null;
    const graceUntil = r.grace_until ? r.grace_until.getTime() : null;
    const inGrace = graceUntil !== null && graceUntil > Date.now();
    const open = (box: string | null) => (box ? decryptSecret(box, this.platformKey.key, triggerId) : null);
    return {
      triggerId,
      scriptId: r.script_id,
      type: r.type,
      auth: r.auth,
      mode: r.mode,
      paused: r.paused,
      input: r.input,
      deployedVersion: r.deployed_version,
      tokenHashes: [r.secret_hash, inGrace ? r.previous_secret_hash : null].filter(Boolean),
      hmacSecrets:
        r.auth === 'hmac'
          ? [open(r.secret_box), inGrace ? open(r.previous_secret_box) : null].filter((s): s is string => !!s)
          : [],
      graceUntil,
    };
  }
}
