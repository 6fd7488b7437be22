import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMasterKey, parseMasterKey } from './master-key';
import { decryptSecret, encryptSecret } from './secret-cipher';
import { loadSecretsConfig } from './secrets-config';

describe('secret cipher (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips any value, with a fresh IV each time', () => {
    const value = 'pa"ss\\word é 🔑';
    const a = encryptSecret(key, value, 'A:1');
    expect(decryptSecret(key, a, 'A:1')).toBe(value);
    expect(encryptSecret(key, value, 'A:1').equals(a)).toBe(false);
    expect(a.includes(Buffer.from(value))).toBe(false);
  });

  it('refuses another key, another context (name and version) and a changed byte', () => {
    const sealed = encryptSecret(key, 'value', 'A:1');
    expect(() => decryptSecret(randomBytes(32), sealed, 'A:1')).toThrow();
    expect(() => decryptSecret(key, sealed, 'A:2')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => decryptSecret(key, tampered, 'A:1')).toThrow();
  });
});

describe('master key', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'runlet-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('RUNLET_MASTER_KEY as hex or base64; anything else is refused naming it', () => {
    const raw = randomBytes(32);
    expect(parseMasterKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(parseMasterKey(raw.toString('base64')).equals(raw)).toBe(true);
    for (const bad of ['short', 'ab'.repeat(31), randomBytes(16).toString('base64')])
      expect(() => parseMasterKey(bad)).toThrow(/RUNLET_MASTER_KEY must be 32 random bytes/);
  });

  it('unset: generated once into the data dir with mode 0600, the same key at the next start, a warning each time', () => {
    const warnings: string[] = [];
    const first = loadMasterKey({ dataDir: dir }, (m) => warnings.push(m));
    const second = loadMasterKey({ dataDir: dir }, (m) => warnings.push(m));
    expect(second.equals(first)).toBe(true);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'master.key'), 'utf8').trim()).toBe(first.toString('hex'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/RUNLET_MASTER_KEY is not set.*generated now/);
  });

  it('set: the data dir is not touched and nothing is warned', () => {
    const warnings: string[] = [];
    const raw = randomBytes(32);
    expect(
      loadMasterKey({ masterKey: raw.toString('hex'), dataDir: dir }, (m) => warnings.push(m)).equals(raw),
    ).toBe(true);
    expect(warnings).toEqual([]);
  });
});

describe('secrets configuration', () => {
  const infisical = {
    INFISICAL_SITE_URL: 'http://infisical.local',
    INFISICAL_CLIENT_ID: 'id',
    INFISICAL_CLIENT_SECRET: 'secret',
    INFISICAL_PROJECT_ID: 'p',
    INFISICAL_ENVIRONMENT: 'prod',
  };

  it('defaults: builtin alone; builtin,infisical once Infisical is configured; path / and a 30 s cache', () => {
    expect(loadSecretsConfig({}).providers).toEqual(['builtin']);
    const config = loadSecretsConfig(infisical);
    expect(config.providers).toEqual(['builtin', 'infisical']);
    expect(config.infisical).toMatchObject({ secretPath: '/', cacheTtlMs: 30_000 });
    expect(loadSecretsConfig({ ...infisical, INFISICAL_CACHE_TTL_MS: '0' }).infisical!.cacheTtlMs).toBe(0);
    expect(
      loadSecretsConfig({ ...infisical, RUNLET_SECRET_PROVIDERS: 'infisical,builtin' }).providers,
    ).toEqual(['infisical', 'builtin']);
  });

  it('a wrong setting stops the start naming it', () => {
    expect(() => loadSecretsConfig({ RUNLET_SECRET_PROVIDERS: 'vault' })).toThrow(/unknown provider vault/);
    expect(() => loadSecretsConfig({ RUNLET_SECRET_PROVIDERS: 'infisical' })).toThrow(/lists infisical, but/);
    expect(() => loadSecretsConfig({ INFISICAL_SITE_URL: 'http://x' })).toThrow(/set INFISICAL_CLIENT_ID/);
    expect(() => loadSecretsConfig({ ...infisical, INFISICAL_CACHE_TTL_MS: '-1' })).toThrow(
      /INFISICAL_CACHE_TTL_MS/,
    );
  });
});
