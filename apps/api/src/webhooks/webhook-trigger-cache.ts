import { Injectable } from '@nestjs/common';
import { Database } from '@runlet/event-store';
import { decryptSecret } from './http';
import { PlatformKey } from '../triggers/platform-key';

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

const TTL_MS = 1000;

/**
 * The webhook hot path reads its trigger from memory: one query per trigger per second at most.
 * Changes made through this process are seen at once (`forget`); other instances within a second.
 */
@Injectable()
export class WebhookTriggerCache {
  private readonly entries = new Map<string, { target: WebhookTarget | null; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly platformKey: PlatformKey,
  ) {}

  async get(triggerId: string): Promise<WebhookTarget | null> {
    const hit = this.entries.get(triggerId);
    if (hit && hit.until > Date.now()) return hit.target;
    const target = await this.load(triggerId);
    if (this.entries.size > 50_000) this.entries.clear();
    this.entries.set(triggerId, { target, until: Date.now() + TTL_MS });
    return target;
  }

  forget(triggerId: string): void {
    this.entries.delete(triggerId);
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
