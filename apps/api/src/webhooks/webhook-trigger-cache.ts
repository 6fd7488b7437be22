import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { TRIGGER_EVENT_TYPES, WebhookAuth } from '@runlet/domain';
import { changedScripts, ReadModelCache, ProjectionRunnerService } from '@runlet/platform';
import { AcceptedSecret, TriggersQuery } from '@runlet/read-models';
import { PlatformKey } from '../triggers/platform-key';
import { decryptSecret } from './http';
import { compileVerifier, Verifier } from './signatures';
import { secretAad } from '../triggers/trigger-secret';

export interface WebhookTarget {
  triggerId: string;
  scriptId: string;
  type: 'cron' | 'http';
  auth: WebhookAuth;
  mode: 'sync' | 'async';
  paused: boolean;
  input: unknown;
  deployedVersion: number | null;
  /** The trigger's verification with its secrets decrypted: no database or decryption per request. */
  verify: Verifier;
}

/** Trigger events change a webhook target (a firing does not: TriggerFired is an execution event). */
const TARGET_CHANGES: ReadonlySet<string> = new Set(TRIGGER_EVENT_TYPES);

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
  private readonly log = new Logger('webhooks');

  constructor(
    private readonly triggers: TriggersQuery,
    private readonly platformKey: PlatformKey,
    projections: ProjectionRunnerService,
  ) {
    this.unsubscribe = projections.onApplied((events) => {
      for (const e of events) if (TARGET_CHANGES.has(e.type)) this.cache.forget(e.data.triggerId);
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
    const r = await this.triggers.target(triggerId);
    if (!r) return null;
    return {
      triggerId,
      scriptId: r.scriptId,
      type: r.type,
      auth: r.auth,
      mode: r.mode,
      paused: r.paused,
      input: r.input,
      deployedVersion: r.deployedVersion,
      verify: compileVerifier(r, {
        secrets: r.secrets.flatMap((s) => this.open(triggerId, s)),
        tokenHashes: r.secrets.flatMap((s) => (s.hash ? [Buffer.from(s.hash, 'hex')] : [])),
      }),
    };
  }

  /**
   * The secret in plain, or nothing when it has no box (a legacy token's hash) or the box cannot be
   * opened (RUNLET_SECRET_KEY changed): deliveries signed with it are then refused (401), loudly.
   */
  private open(triggerId: string, secret: AcceptedSecret): string[] {
    if (!secret.box) return [];
    try {
      return [decryptSecret(secret.box, this.platformKey.key, secretAad(triggerId, secret.id))];
    } catch (err) {
      this.log.error(
        `secret ${secret.id} of trigger ${triggerId} cannot be decrypted: ${(err as Error).message}`,
      );
      return [];
    }
  }
}
