import { EventStore0001 } from './0001-event-store';

/** The event store's own migrations, in order; other libraries pass theirs to `Database`. */
export const eventStoreMigrations: Function[] = [EventStore0001];
