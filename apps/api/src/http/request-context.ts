import { randomUUID } from 'node:crypto';
import { EventMetadata } from '@runlet/event-store';

/** Who is calling, attached to the request by the auth guard. */
export interface Caller {
  actor: string;
  keyId: string | null;
}

/** Event metadata for a command a user issued over HTTP. */
export function metadataFor(req: any): EventMetadata {
  const caller: Caller | undefined = req.caller;
  const header = req.headers?.['x-correlation-id'];
  return {
    actor: caller?.actor ?? 'anonymous',
    correlationId: typeof header === 'string' && header.length <= 100 ? header : randomUUID(),
    causationId: null,
  };
}
