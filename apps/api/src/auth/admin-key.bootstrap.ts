import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ApiKeysQuery } from '@runlet/read-models';
import { RUNLET_CONFIG, RunletConfig, ProjectionRunnerService } from '@runlet/platform';
import { hashApiKey } from './api-key-hash';
import { CreateApiKeyCommand } from './create-api-key/create-api-key.command';

/**
 * The first admin key: RUNLET_ADMIN_KEY when set (registered once), otherwise, on a platform
 * without any key yet, a generated one printed a single time.
 */
@Injectable()
export class AdminKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('auth');

  constructor(
    @Inject(RUNLET_CONFIG) private readonly config: RunletConfig,
    private readonly keys: ApiKeysQuery,
    private readonly commands: CommandBus,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const metadata = { actor: 'system:bootstrap', correlationId: randomUUID(), causationId: null };
    try {
      await this.projections.drain(); // judge "no key yet" on up-to-date read models
    } catch (err) {
      // Judged on stale read models, a key could be created twice; the API still starts (degraded).
      this.logger.error(`read models cannot be brought up to date, the admin key is not checked: ${err}`);
      return;
    }
    if (this.config.adminKey) {
      if (await this.keys.findActiveByHash(hashApiKey(this.config.adminKey))) return;
      await this.commands.execute(
        new CreateApiKeyCommand('admin (RUNLET_ADMIN_KEY)', metadata, this.config.adminKey),
      );
      return;
    }
    if ((await this.keys.count()) > 0) return;
    const { key } = await this.commands.execute(new CreateApiKeyCommand('admin (generated)', metadata));
    this.logger.warn(
      `No RUNLET_ADMIN_KEY was set; generated the first admin key (shown only this once):\n\n    ${key}\n`,
    );
  }
}
