import { Injectable } from '@nestjs/common';
import { assertValidWebhookSecret, WebhookAuth } from '@runlet/domain';
import { TriggerSecretVault } from '@runlet/read-models';
import { encryptSecret } from '../webhooks/http';
import { generateWebhookSecret, newSecretId } from '../webhooks/signatures';
import { PlatformKey } from './platform-key';
import { secretAad } from './trigger-secret';

/** A secret put in the vault: its id for the command, and the value when Runlet made it (shown once). */
export interface StoredSecret {
  secretId: string;
  generated?: string;
}

/**
 * Puts a trigger's webhook secret in the vault, encrypted under the platform key, before the event
 * that names it is appended: the user's (checked against the sender's format) or a generated one.
 */
@Injectable()
export class WebhookSecrets {
  constructor(
    private readonly vault: TriggerSecretVault,
    private readonly platformKey: PlatformKey,
  ) {}

  async store(triggerId: string, auth: WebhookAuth, given: unknown): Promise<StoredSecret> {
    const secret = given === undefined || given === null ? generateWebhookSecret(auth) : given;
    assertValidWebhookSecret(auth, secret);
    const secretId = newSecretId();
    const box = encryptSecret(secret as string, this.platformKey.key, secretAad(triggerId, secretId));
    await this.vault.put(triggerId, secretId, box);
    return given == null ? { secretId, generated: secret as string } : { secretId };
  }
}
