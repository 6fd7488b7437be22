import { StoredEvent } from './types';

/**
 * Turns the data of one stored event type from schema version `fromVersion` into `fromVersion + 1`.
 * Persisted event types are never renamed and stored events never rewritten: when a shape
 * changes, new writes get the next schema version and old ones are upcast as they are read.
 */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: any): any;
}

/** The upcasters of a store, keyed by event type and schema version. */
export class Upcasters {
  private readonly byKey = new Map<string, Upcaster>();
  private readonly current = new Map<string, number>();

  constructor(upcasters: Upcaster[] = []) {
    for (const u of upcasters) {
      const key = `${u.type}@${u.fromVersion}`;
      if (this.byKey.has(key)) throw new Error(`two upcasters for ${key}`);
      this.byKey.set(key, u);
      this.current.set(u.type, Math.max(this.current.get(u.type) ?? 1, u.fromVersion + 1));
    }
  }

  /** The schema version new events of `type` are written with (1 when it never changed). */
  currentVersion(type: string): number {
    return this.current.get(type) ?? 1;
  }

  /** The event in its type's current schema (the same object when it already is). */
  apply(event: StoredEvent): StoredEvent {
    const latest = this.current.get(event.type);
    if (latest === undefined || event.schemaVersion >= latest) return event;
    let { data, schemaVersion } = event;
    for (
      let u = this.byKey.get(`${event.type}@${schemaVersion}`);
      u;
      u = this.byKey.get(`${event.type}@${schemaVersion}`)
    ) {
      data = u.upcast(data);
      schemaVersion++;
    }
    return { ...event, data, schemaVersion };
  }
}
