// Migration class names end in a timestamp, as TypeORM requires.
import { EventStore1764300000001 } from './0001-event-store';
import { SubscriptionFailures1764300000801 } from './0002-subscription-failures';
import { H14CorrelationIndex1764300000901 } from './0003-h14-correlation-index';

/** The event store's own migrations, in order; other libraries pass theirs to `Database`. */
export const eventStoreMigrations: Function[] = [
  EventStore1764300000001,
  SubscriptionFailures1764300000801,
  H14CorrelationIndex1764300000901,
];
