import { Logger } from '@nestjs/common';
import { EventType } from '@runlet/domain';
import { Database, EventHints, EventStore, readSubscriptionPosition } from '@runlet/event-store';
import { READ_MODELS_SUBSCRIPTION } from '@runlet/read-models';

/**
 * Events that change which triggers should tick, or how. TriggerFired is not one (and is
 * frequent), nor is a secret rotation (a tick uses no secret).
 */
export const TRIGGER_CHANGE_EVENTS: readonly string[] = [
  EventType.TriggerCreated,
  EventType.TriggerUpdated,
  EventType.TriggerPaused,
  EventType.TriggerResumed,
  EventType.TriggerDeleted,
  EventType.ScriptArchived,
];

export interface TriggerChanges {
  triggerIds: string[];
  scriptIds: string[];
}

const TRIGGERS_PROJECTION = READ_MODELS_SUBSCRIPTION;

/**
 * Wakes on the event-store hint, reads the trigger changes appended since it last looked and,
 * once the triggers projection has applied them (the cache reads rm_triggers), reports them.
 * Not a checkpointed subscription: every scheduler process needs every change for its own cache,
 * and a missed one is repaired by the periodic full resync.
 */
export class TriggerChangeWatcher {
  private readonly log = new Logger('scheduler');
  private position = 0;
  private unsubscribe?: () => void;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly hints: EventHints,
    private readonly onChanges: (changes: TriggerChanges) => Promise<void>,
  ) {}

  /** Starts from the current head: the caller has just loaded everything. */
  async start(): Promise<void> {
    this.position = await this.store.headPosition();
    this.unsubscribe = this.hints.onAppended(() => this.poke());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.running;
  }

  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  private async run(): Promise<void> {
    try {
      // Read the head first: everything at or below it is committed, so nothing is skipped.
      const head = await this.store.headPosition();
      const events = await this.store.readAll({
        after: this.position,
        types: TRIGGER_CHANGE_EVENTS,
        limit: 1000,
      });
      const upTo = events.length === 1000 ? events[events.length - 1].position : head;
      if (events.length > 0) {
        await this.projectionReached(events[events.length - 1].position);
        const triggerIds = [
          ...new Set(events.filter((e) => e.data?.triggerId).map((e) => e.data.triggerId as string)),
        ];
        const scriptIds = [
          ...new Set(
            events.filter((e) => e.type === EventType.ScriptArchived).map((e) => e.data.scriptId as string),
          ),
        ];
        await this.onChanges({ triggerIds, scriptIds });
      }
      this.position = Math.max(this.position, upTo);
      if (events.length === 1000) this.again = true;
    } catch (err) {
      this.log.error(`watching trigger changes failed: ${(err as Error).message}`);
    }
  }

  /** Waits (briefly) until rm_triggers reflects `position`; the resync covers a longer lag. */
  private async projectionReached(position: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stopped && Date.now() < deadline) {
      if ((await readSubscriptionPosition(this.db, TRIGGERS_PROJECTION)) >= position) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
