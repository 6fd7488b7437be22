import { InfisicalSDK } from '@infisical/sdk';
import type { SecretProvider } from './secret-provider';

export interface InfisicalSettings {
  siteUrl: string;
  clientId: string;
  clientSecret: string;
  projectId: string;
  environment: string;
  secretPath: string;
  /** How long a fetched value is reused; 0 = fetched for every execution. */
  cacheTtlMs: number;
  /** The bound on one resolution, logins and retries included (the SDK alone retries ≈15 s). */
  timeoutMs?: number;
}

export const DEFAULT_INFISICAL_CACHE_TTL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 4_000;

/** An HTTP status the SDK reports only inside its error message. */
function statusOf(err: unknown): number | undefined {
  const match = /StatusCode=(\d{3})|status (\d{3})/.exec(String((err as Error)?.message ?? ''));
  return match ? Number(match[1] ?? match[2]) : undefined;
}

/**
 * Infisical through its official SDK (universal auth). Values are cached for `cacheTtlMs`. The
 * SDK does not tell when its token expires, so an expired token shows as the 401 Infisical
 * answers: on a 401 or 403 it logs in again, once, and retries. Every resolution is bounded by
 * `timeoutMs`: an outage fails the execution with an error naming Infisical instead of waiting
 * out the SDK's own retries.
 */
export class InfisicalSecrets implements SecretProvider {
  readonly name = 'infisical' as const;
  private sdk?: InfisicalSDK;
  private login?: Promise<void>;
  private readonly cache = new Map<string, { value: string | null; until: number }>();
  private readonly timeoutMs: number;

  constructor(private readonly settings: InfisicalSettings) {
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async fetch(names: readonly string[]): Promise<Map<string, string>> {
    const now = Date.now();
    const found = new Map<string, string>();
    const missing = names.filter((name) => {
      const hit = this.cache.get(name);
      if (!hit || hit.until <= now) return true;
      if (hit.value !== null) found.set(name, hit.value);
      return false;
    });
    if (missing.length === 0) return found;
    const fetched = await this.bounded(this.withLogin(() => this.request(missing)));
    const until = Date.now() + this.settings.cacheTtlMs;
    for (const name of missing) {
      const value = fetched.get(name);
      if (value !== undefined) found.set(name, value);
      if (this.settings.cacheTtlMs > 0) this.cache.set(name, { value: value ?? null, until });
    }
    return found;
  }

  /** One name: GET /api/v3/secrets/raw/:name; several: one list of the path. */
  private async request(names: readonly string[]): Promise<Map<string, string>> {
    const { projectId, environment, secretPath } = this.settings;
    const values = new Map<string, string>();
    if (names.length === 1) {
      try {
        const secret = await this.sdk!.secrets().getSecret({
          projectId,
          environment,
          secretPath,
          secretName: names[0],
          viewSecretValue: true,
        });
        values.set(names[0], secret.secretValue);
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
      return values;
    }
    const list = await this.sdk!.secrets().listSecrets({
      projectId,
      environment,
      secretPath,
      viewSecretValue: true,
    });
    const wanted = new Set(names);
    for (const secret of list.secrets)
      if (wanted.has(secret.secretKey)) values.set(secret.secretKey, secret.secretValue);
    return values;
  }

  private async withLogin<T>(call: () => Promise<T>): Promise<T> {
    await this.loggedIn();
    try {
      return await call();
    } catch (err) {
      const status = statusOf(err);
      if (status !== 401 && status !== 403) throw err;
      this.login = undefined; // expired or revoked: one new login, then the call once more
      await this.loggedIn();
      return call();
    }
  }

  private loggedIn(): Promise<void> {
    if (!this.login) {
      const sdk = this.newSdk();
      this.login = sdk
        .auth()
        .universalAuth.login({ clientId: this.settings.clientId, clientSecret: this.settings.clientSecret })
        .then(() => {
          this.sdk = sdk;
        });
      this.login.catch(() => (this.login = undefined)); // a failed login is tried again next time
    }
    return this.login;
  }

  private newSdk(): InfisicalSDK {
    return new InfisicalSDK({ siteUrl: this.settings.siteUrl });
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout;
    work.catch(() => undefined); // the SDK may still be retrying after the bound; its end is not awaited
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`Infisical (${this.settings.siteUrl}) did not answer within ${this.timeoutMs} ms`),
          ),
        this.timeoutMs,
      );
    });
    return Promise.race([work, timeout])
      .catch((err: Error) => {
        throw err.message.startsWith('Infisical')
          ? err
          : new Error(`Infisical (${this.settings.siteUrl}): ${err.message}`);
      })
      .finally(() => clearTimeout(timer));
  }
}
