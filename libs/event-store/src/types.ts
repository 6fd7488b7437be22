/** Who caused an event and why: carried by every event. */
export interface EventMetadata {
  actor: string;
  correlationId: string;
  causationId: string | null;
  [key: string]: unknown;
}

/** An event about to be appended. */
export interface NewEvent<T = any> {
  type: string;
  data: T;
  schemaVersion?: number;
  /** Optional caller-chosen id; makes a retried append of the same event a no-op conflict. */
  eventId?: string;
  /** This event's own metadata, when it differs from the rest of its append (another actor). */
  metadata?: EventMetadata;
}

/** An event as stored. */
export interface StoredEvent<T = any> {
  position: number;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: T;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** `expectedVersion`: the stream's current version (0 = the stream must not exist), or 'any'. */
export type ExpectedVersion = number | 'any';

export interface AppendRequest {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: NewEvent[];
  metadata: EventMetadata;
  /** Rows for the store's AppendAttachment, written by the same statement as the events. */
  attached?: unknown[];
}

/**
 * Rows of another table written atomically with a group's events (an execution's log lines
 * with its outcome): the events and the rows commit together or not at all.
 */
export interface AppendAttachment {
  /** A data-modifying statement for a WITH clause; its parameters start at `$first`. */
  sql(first: number): string;
  /** Its parameters for the rows attached to a group's requests (possibly none). */
  params(rows: unknown[]): unknown[];
}

export interface AppendResult {
  /** The stream's version after the append. */
  streamVersion: number;
  /** Global position of the last appended event. */
  position: number;
  events: StoredEvent[];
}
