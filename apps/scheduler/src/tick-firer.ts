import { Logger } from '@nestjs/common';
import { tickKey } from '@runlet/domain';
import { EventMetadata } from '@runlet/event-store';
import { ExecutionRequests, QueueExecutionParams, uuidFrom } from '@runlet/executions';
import { ExecutionsQuery, ScriptsQuery } from '@runlet/read-models';
import { CronTrigger } from './cron-trigger-cache';
import { SCHEDULER_ACTOR } from './scheduler.config';

export const OVERLAP_SKIP_REASON = 'previous run of this trigger is still running (overlap: skip)';

export type FireOutcome = 'queued' | 'skipped' | 'duplicate' | 'not-deployed';

/** What firing a tick needs from the database, read during the lead time (off the hot path). */
export interface TickContext {
  deployedVersion: number | null;
}

/**
 * Turns one tick into one execution: id `uuidFrom(tickKey(T, S))`, appended at version 0 together
 * with its TriggerFired, so a second scheduler (or a redelivered job) finds it taken.
 */
export class TickFirer {
  private readonly log = new Logger('scheduler');
  /** Triggers already warned about having nothing deployed (one warning, not one per second). */
  private readonly warnedUndeployed = new Set<string>();

  constructor(
    private readonly scripts: ScriptsQuery,
    private readonly executions: ExecutionsQuery,
    private readonly requests: ExecutionRequests,
  ) {}

  async context(trigger: CronTrigger): Promise<TickContext> {
    return { deployedVersion: await this.scripts.deployedVersion(trigger.scriptId) };
  }

  async fire(
    trigger: CronTrigger,
    scheduledAt: Date,
    late: boolean,
    ctx: TickContext,
    firedAt = new Date(),
  ): Promise<FireOutcome> {
    if (!ctx.deployedVersion) {
      // Nothing to run: record nothing (an execution would fail without an artifact), say so once.
      if (!this.warnedUndeployed.has(trigger.id)) {
        this.warnedUndeployed.add(trigger.id);
        this.log.warn(
          `trigger ${trigger.id}: script ${trigger.scriptId} has no deployed version; ticks are not fired`,
        );
      }
      return 'not-deployed';
    }
    this.warnedUndeployed.delete(trigger.id);
    const executionId = uuidFrom(tickKey(trigger.id, scheduledAt));
    const at = scheduledAt.toISOString();
    const fired = firedAt.toISOString();
    const params: QueueExecutionParams = {
      executionId,
      scriptId: trigger.scriptId,
      version: ctx.deployedVersion,
      trigger: { type: 'cron', id: trigger.id, scheduledAt: at, ...(late ? { late: true } : {}) },
      input: trigger.input ?? null,
      cron: { scheduledAt: at, firedAt: fired },
      fired: {
        triggerId: trigger.id,
        source: 'cron',
        scheduledAt: at,
        firedAt: fired,
        ...(late ? { late: true } : {}),
      },
    };
    const metadata: EventMetadata = { actor: SCHEDULER_ACTOR, correlationId: executionId, causationId: null };
    // From rm_executions: a little stale, which only matters for a run that ends right now.
    if (
      trigger.overlap === 'skip' &&
      (await this.executions.triggerHasRunOtherThan(trigger.id, executionId))
    ) {
      return this.recordSkipped(params, metadata);
    }
    const { duplicate } = await this.requests.queueExecution(params, metadata);
    return duplicate ? 'duplicate' : 'queued';
  }

  /**
   * overlap 'skip': the tick is still recorded (TriggerFired + ExecutionQueued) and at once
   * ExecutionSkipped with the reason, so the history shows it; no job goes to the executors.
   */
  private async recordSkipped(params: QueueExecutionParams, metadata: EventMetadata): Promise<FireOutcome> {
    const { duplicate } = await this.requests.recordEnded(
      { ...params, executionId: params.executionId! },
      [{ type: 'SkipExecution', reason: OVERLAP_SKIP_REASON }],
      metadata,
    );
    if (duplicate) return 'duplicate';
    this.log.log(`trigger ${params.trigger.id}: tick ${params.trigger.scheduledAt} skipped (overlap: skip)`);
    return 'skipped';
  }
}
