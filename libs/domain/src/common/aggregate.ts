/** An event as the domain produces it; the store adds ids, positions and metadata. */
export interface DomainEvent<T extends string = string, D = any> {
  type: T;
  data: D;
  /** When it was recorded (ISO), set when loaded from the store. */
  at?: string;
}

/** A pure aggregate: `decide` turns a command into events, `evolve` folds events into state. */
export interface Aggregate<S, C, E extends DomainEvent> {
  decide(command: C, state: S | undefined): E[];
  evolve(state: S | undefined, event: E): S | undefined;
}

export function fold<S, E extends DomainEvent>(
  evolve: (state: S | undefined, event: E) => S | undefined,
  events: E[],
  initial?: S,
): S | undefined {
  return events.reduce<S | undefined>(evolve, initial);
}

/**
 * Reads a stored event of `type` written in schema version `fromVersion` as version
 * `fromVersion + 1` (the event store applies these at read time; new events get the latest version).
 */
export interface EventUpcaster {
  type: string;
  fromVersion: number;
  upcast(data: any): any;
}
