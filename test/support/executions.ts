import { EventStore, NewEvent } from '@runlet/event-store';
import { TestPlatform } from './platform';

/**
 * Writes an execution's stream directly: ExecutionQueued for version 1 of the script (a manual
 * run), then `then` — as a process that died at some point would have left it.
 */
export async function recordQueuedExecution(
  p: TestPlatform,
  executionId: string,
  scriptId: string,
  then: NewEvent[] = [],
): Promise<void> {
  const queued = {
    executionId,
    scriptId,
    version: 1,
    trigger: { type: 'manual' },
    input: null,
    maxAttempts: 1,
  };
  await p.app.get(EventStore).append({
    streamId: `execution-${executionId}`,
    expectedVersion: 0,
    events: [{ type: 'ExecutionQueued', data: queued }, ...then],
    metadata: { actor: 'test', correlationId: executionId, causationId: null },
  });
}
