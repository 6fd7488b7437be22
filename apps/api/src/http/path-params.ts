import {
  ArgumentMetadata,
  BadRequestException,
  Injectable,
  NotFoundException,
  PipeTransform,
} from '@nestjs/common';
import { isStorableText, MAX_INT } from '@runlet/domain';

/**
 * Path ids and numbers are checked before any SQL sees them. An id that cannot name anything of
 * its kind (wrong shape, NUL bytes, too long) is simply not found (404); a version that is not a
 * whole number is a bad request (400), one beyond any version not found. The webhook route,
 * served outside Nest, uses `checkId` too.
 */
export type IdKind = 'script' | 'trigger' | 'execution' | 'api key' | 'secret';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Trigger ids are base64url (160 random bits make 27 characters). */
const TRIGGER_ID = /^[A-Za-z0-9_-]{1,128}$/;

const SHAPE: Record<IdKind, RegExp> = {
  script: UUID,
  trigger: TRIGGER_ID,
  execution: UUID,
  'api key': UUID,
  /** webhook secrets' ids (96 random bits, base64url; `legacy` / `legacy-previous`) */
  secret: /^[A-Za-z0-9_-]{1,64}$/,
};

/** True when `value` may be the id of a `kind` (it may still not exist). */
export function isIdOf(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && SHAPE[kind].test(value);
}

/** `value` when it can be a `kind` id; otherwise a 404 naming it. */
export function checkId(kind: IdKind, value: unknown): string {
  if (isIdOf(kind, value)) return value;
  throw new NotFoundException(`${kind} ${printable(value)} not found`);
}

/** `@Param('id', IdParam.script)`: the param is an id of that kind, or the request is a 404. */
export class IdParam implements PipeTransform<unknown, string> {
  static readonly script = new IdParam('script');
  static readonly trigger = new IdParam('trigger');
  static readonly execution = new IdParam('execution');
  static readonly apiKey = new IdParam('api key');
  static readonly secret = new IdParam('secret');

  private constructor(private readonly kind: IdKind) {}

  transform(value: unknown): string {
    return checkId(this.kind, value);
  }
}

/** `@Param('version', VersionParam)`: a whole number (400 otherwise); beyond any version, 404. */
@Injectable()
export class VersionParam implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    // The global ValidationPipe may already have made a number of it.
    const whole =
      typeof value === 'number'
        ? Number.isInteger(value)
        : typeof value === 'string' && /^\d{1,20}$/.test(value);
    if (!whole) throw new BadRequestException(`version must be a whole number, got ${printable(value)}`);
    const version = Number(value);
    if (version < 1 || version > MAX_INT) throw new NotFoundException(`there is no version ${version}`);
    return version;
  }
}

/**
 * Global: no path or query string the database cannot hold (NUL, unpaired surrogates) gets past
 * the router, whatever the route: in a path it names nothing (404), in a query it is a bad request (400).
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' && metadata.type !== 'query') return value;
    const bad = unstorable(value);
    if (bad === null) return value;
    const where = metadata.data ?? bad;
    if (metadata.type === 'param') throw new NotFoundException(`${where} ${printable(value)} not found`);
    throw new BadRequestException(`${where} must not contain NUL (U+0000) or unpaired surrogate characters`);
  }
}

/** The key holding unstorable text ('' for the value itself), or null. */
function unstorable(value: unknown, key = ''): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : key;
  if (Array.isArray(value)) {
    for (const v of value) if (unstorable(v, key) !== null) return key;
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorableText(k) || unstorable(v, k) !== null) return k;
    }
  }
  return null;
}

/** A value for an error message: control characters escaped, long ones cut. */
function printable(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  return JSON.stringify(cut).slice(1, -1);
}
