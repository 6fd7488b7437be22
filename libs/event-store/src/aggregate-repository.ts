import type { Aggregate } from '@runlet/domain';
import { ConcurrencyError } from './errors';
import { EventStore } from './event-store';
import { EventMetadata, StoredEvent } from './types';

export interface CommandResult<S> {
  state: S | undefined;
  events: StoredEvent[];
  /** Global position of the last appended event (or the stream's last, when nothing was appended). */
  position: number;
  streamVersion: number;
}

/**
 * Loads an aggregate from its stream, asks `decide`, appends the result at the version it
 * loaded. A concurrent writer makes the append fail; the command is then decided again on
 * fresh state, so a user-facing check such as `expectedVersion` is judged on the latest data.
 */
export class AggregateRepository {
  constructor(private readonly store: EventStore) {}

  async load<S, E extends { type: string; data: any }>(
    streamId: string,
    evolve: (state: S | undefined, event: E) => S | undefined,
  ): Promise<{ state: S | undefined; version: number; position: number }> {
    const events = await this.store.readStream(streamId);
    let state: S | undefined;
    for (const e of events)
      state = evolve(state, { type: e.type, data: e.data, at: toIso(e.recordedAt) } as unknown as E);
    const last = events[events.length - 1];
    return { state, version: last?.streamVersion ?? 0, position: last?.position ?? 0 };
  }

  async execute<S, C, E extends { type: string; data: any }>(
    streamId: string,
    aggregate: Aggregate<S, C, E>,
    command: C,
    metadata: EventMetadata,
    attempts = 5,
  ): Promise<CommandResult<S>> {
    for (let attempt = 1; ; attempt++) {
      const { state, version, position } = await this.load(streamId, aggregate.evolve);
      const decided = aggregate.decide(command, state);
      if (decided.length === 0) return { state, events: [], position, streamVersion: version };
      try {
        const result = await this.store.append({
          streamId,
          expectedVersion: version,
          events: decided.map((e) => ({ type: e.type, data: e.data })),
          metadata,
        });
        const at = toIso(result.events[0]?.recordedAt);
        const next = decided.reduce<S | undefined>((s, e) => aggregate.evolve(s, { ...e, at }), state);
        return {
          state: next,
          events: result.events,
          position: result.position,
          streamVersion: result.streamVersion,
        };
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || attempt >= attempts) throw err;
      }
    }
  }
}

function toIso(d: Date | string | undefined): string | undefined {
  return d instanceof Date ? d.toISOString() : d;
}
