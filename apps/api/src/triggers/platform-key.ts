import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUNLET_CONFIG, RunletConfig } from '@runlet/platform';

/**
 * The key that encrypts secrets the platform must read back (HMAC webhook secrets):
 * RUNLET_SECRET_KEY when set, otherwise one generated on first start and kept (0600) in the data dir.
 */
@Injectable()
export class PlatformKey {
  readonly key: Buffer;

  constructor(@Inject(RUNLET_CONFIG) config: RunletConfig) {
    const fromEnv = process.env.RUNLET_SECRET_KEY;
    if (fromEnv) {
      this.key = createHash('sha256').update(fromEnv).digest();
      return;
    }
    const file = join(config.dataDir, 'secret.key');
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    this.key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  }
}
