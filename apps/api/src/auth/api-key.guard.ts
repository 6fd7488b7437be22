import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeysQuery, ApiKeyView } from '@runlet/read-models';
import { hashApiKey } from './api-key-hash';
import { IS_PUBLIC } from './public.decorator';

const CACHE_MS = 5000;

/**
 * `Authorization: Bearer <api key>` on every route not marked @Public. Keys are looked up by
 * their SHA-256 hash; a verified key is cached briefly so the hot path skips the database.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly cache = new Map<string, { key: ApiKeyView; until: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysQuery,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const req = context.switchToHttp().getRequest();
    const header: string | undefined = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw new UnauthorizedException('missing API key: send Authorization: Bearer <api key>');
    const hash = hashApiKey(match[1]);
    const key = await this.lookup(hash);
    if (!key) throw new UnauthorizedException('invalid or revoked API key');
    req.caller = { actor: `apikey:${key.id}`, keyId: key.id };
    return true;
  }

  /** Drops a key from the cache at once (on revoke in this process). */
  forget(keyId: string): void {
    for (const [hash, entry] of this.cache) if (entry.key.id === keyId) this.cache.delete(hash);
  }

  private async lookup(hash: string): Promise<ApiKeyView | null> {
    const hit = this.cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.key;
    const key = await this.keys.findActiveByHash(hash);
    if (key) this.cache.set(hash, { key, until: Date.now() + CACHE_MS });
    else this.cache.delete(hash);
    return key;
  }
}
