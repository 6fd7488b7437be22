import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  TriggerCommand,
  triggerAggregate,
  triggerStreamId,
  NotFoundError,
  ValidationError,
} from '@runlet/domain';
import { AggregateRepository, EventMetadata } from '@runlet/event-store';
import { ScriptsQuery } from '@runlet/read-models';
import { ProjectionRunnerService } from '@runlet/platform';
import { encryptSecret, generateTriggerSecret, hashSecret } from '../webhooks/http';
import { PlatformKey } from './platform-key';
import { CreateTriggerDto, UpdateTriggerDto } from './triggers.dto';
import { WebhookTriggerCache } from '../webhooks/webhook-trigger-cache';

/** Trigger ids are URLs' only secret for `auth: none` webhooks: 160 random bits. */
export const newTriggerId = () => randomBytes(20).toString('base64url');

@Injectable()
export class TriggerCommands {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
    private readonly scripts: ScriptsQuery,
    private readonly platformKey: PlatformKey,
    private readonly cache: WebhookTriggerCache,
  ) {}

  /** Returns the new trigger id and, for token/hmac webhooks, the secret (shown this once). */
  async create(
    scriptId: string,
    dto: CreateTriggerDto,
    metadata: EventMetadata,
  ): Promise<{ id: string; secret?: string }> {
    if (!(await this.scripts.summary(scriptId))) throw new NotFoundError(`script ${scriptId} not found`);
    const triggerId = newTriggerId();
    const auth = dto.type === 'http' ? (dto.auth ?? 'none') : undefined;
    const secret = auth === 'token' || auth === 'hmac' ? generateTriggerSecret() : undefined;
    await this.run(
      triggerId,
      {
        type: 'CreateTrigger',
        triggerId,
        scriptId,
        triggerType: dto.type,
        schedule: dto.schedule,
        timezone: dto.type === 'cron' ? (dto.timezone ?? 'UTC') : dto.timezone,
        input: dto.input,
        overlap: dto.overlap,
        catchUp: dto.catchUp,
        auth,
        mode: dto.mode,
        notifyUrl: dto.notifyUrl,
        ...this.secretFields(triggerId, auth, secret),
      },
      metadata,
    );
    return { id: triggerId, secret };
  }

  async update(triggerId: string, dto: UpdateTriggerDto, metadata: EventMetadata): Promise<void> {
    const { paused, ...changes } = dto;
    // null elsewhere means "the default"; being paused has none to fall back on.
    if (paused === null) throw new ValidationError('paused must be true or false, not null');
    if (Object.values(changes).some((v) => v !== undefined)) {
      await this.run(triggerId, { type: 'UpdateTrigger', ...changes }, metadata);
    }
    if (paused === true) await this.run(triggerId, { type: 'PauseTrigger' }, metadata);
    if (paused === false) await this.run(triggerId, { type: 'ResumeTrigger' }, metadata);
  }

  delete(triggerId: string, metadata: EventMetadata): Promise<void> {
    return this.run(triggerId, { type: 'DeleteTrigger' }, metadata);
  }

  /** A new secret; the old one keeps working for `graceSeconds`. */
  async rotateSecret(
    triggerId: string,
    auth: string,
    graceSeconds: number,
    metadata: EventMetadata,
  ): Promise<string> {
    const secret = generateTriggerSecret();
    await this.run(
      triggerId,
      {
        type: 'RotateTriggerSecret',
        ...this.secretFields(triggerId, auth, secret),
        graceUntil: new Date(Date.now() + graceSeconds * 1000).toISOString(),
      },
      metadata,
    );
    return secret;
  }

  private secretFields(triggerId: string, auth: string | undefined, secret: string | undefined) {
    if (!secret) return {};
    if (auth === 'token') return { secretHash: hashSecret(secret) };
    return {
      secretHash: hashSecret(secret),
      secretBox: encryptSecret(secret, this.platformKey.key, triggerId),
    };
  }

  private async run(triggerId: string, command: TriggerCommand, metadata: EventMetadata): Promise<void> {
    const result = await this.repo.execute(triggerStreamId(triggerId), triggerAggregate, command, metadata);
    if (result.events.length) await this.projections.waitFor(result.position);
    this.cache.forget(triggerId);
  }
}
