import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const MASTER_KEY_FILE = 'master.key';

/** RUNLET_MASTER_KEY: 32 bytes as 64 hex digits or as base64 (44 characters). */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
    if (key.length === 32) return key;
  }
  throw new Error(
    'RUNLET_MASTER_KEY must be 32 random bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)',
  );
}

/**
 * The key builtin secrets are encrypted with: RUNLET_MASTER_KEY, or else a key generated once
 * into `<dataDir>/master.key` (mode 0600; written aside and linked into place, which fails when the
 * file exists, so processes sharing the data dir agree on one and none reads it half-written). Without RUNLET_MASTER_KEY, losing the data dir loses every builtin secret, and
 * roles on other machines cannot decrypt them: `warn` says so loudly at every start.
 */
export function loadMasterKey(
  opts: { masterKey?: string; dataDir: string },
  warn: (message: string) => void,
): Buffer {
  if (opts.masterKey) return parseMasterKey(opts.masterKey);
  const path = join(opts.dataDir, MASTER_KEY_FILE);
  mkdirSync(opts.dataDir, { recursive: true });
  let created = false;
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(aside, path);
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(aside);
  }
  chmodSync(path, 0o600);
  warn(
    `RUNLET_MASTER_KEY is not set: builtin secrets are encrypted with the key in ${path}` +
      `${created ? ' (generated now)' : ''}. Back it up, and set RUNLET_MASTER_KEY in production: ` +
      'without this file the stored secrets cannot be decrypted.',
  );
  return parseMasterKey(readFileSync(path, 'utf8'));
}
