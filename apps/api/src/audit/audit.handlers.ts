import { ListEventsHandler } from './list-events/list-events.handler';
import { ReadScriptHistoryHandler } from './read-script-history/read-script-history.handler';

/** The audit log's query handlers, for the module's providers. */
export const auditHandlers = [ListEventsHandler, ReadScriptHistoryHandler];
