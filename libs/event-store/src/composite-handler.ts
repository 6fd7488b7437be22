import { Queryable } from './database';
import { SubscriptionHandler } from './subscription';
import { StoredEvent } from './types';

/**
 * Several projections fed by one subscription: one checkpoint, one transaction per batch, each
 * part seeing only its event types. Cheaper than a subscription (and a transaction) per projection.
 */
export class CompositeHandler implements SubscriptionHandler {
  readonly eventTypes?: readonly string[];

  constructor(
    readonly name: string,
    private readonly parts: SubscriptionHandler[],
  ) {
    this.eventTypes = parts.every((p) => p.eventTypes)
      ? [...new Set(parts.flatMap((p) => p.eventTypes!))]
      : undefined;
  }

  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    for (const part of this.parts) {
      const types = part.eventTypes;
      const mine = types ? events.filter((e) => types.includes(e.type)) : events;
      if (mine.length > 0) await part.handle(mine, tx);
    }
  }

  async reset(tx: Queryable): Promise<void> {
    for (const part of this.parts) await part.reset?.(tx);
  }
}
