import { randomUUID } from 'node:crypto';
import {
  Aggregate,
  DomainEvent,
  executionAggregate,
  executionStreamId,
  scriptAggregate,
  scriptStreamId,
  triggerAggregate,
  triggerStreamId,
} from '@runlet/domain';
import { EventStore } from '@runlet/event-store';

/** How big the generated installation is (the size at scale 1). */
export interface ScaleSize {
  scripts: number;
  cronTriggers: number;
  events: number;
}

export const FULL_SIZE: ScaleSize = { scripts: 10_000, cronTriggers: 2_000, events: 1_000_000 };

export function scaledSize(scale: number): ScaleSize {
  return {
    scripts: Math.max(10, Math.round(FULL_SIZE.scripts * scale)),
    // RUNLET_BENCH_CRON_TRIGGERS keeps the minute's tick at full size in a smaller installation.
    cronTriggers:
      Number(process.env.RUNLET_BENCH_CRON_TRIGGERS ?? 0) ||
      Math.max(10, Math.round(FULL_SIZE.cronTriggers * scale)),
    events: Math.max(1000, Math.round(FULL_SIZE.events * scale)),
  };
}

export interface Installation {
  scriptIds: string[];
  triggerIds: string[];
  executionIds: string[];
}

const meta = () => ({ actor: 'bench-scale', correlationId: randomUUID(), causationId: null });

/** The events the domain decides for a sequence of commands on one new stream. */
function decideAll<S, C, E extends DomainEvent>(aggregate: Aggregate<S, C, E>, commands: C[]): E[] {
  let state: S | undefined;
  const events: E[] = [];
  for (const command of commands) {
    const decided = aggregate.decide(command, state);
    for (const event of decided) state = aggregate.evolve(state, event);
    events.push(...decided);
  }
  return events;
}

/** Runs `work(i)` for i in [0, n) with `width` at a time. */
async function inParallel(n: number, width: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
}

/**
 * Fills an installation through the event store with the events the domain itself decides:
 * scripts (created, saved, deployed), every-minute cron triggers on the first scripts, and
 * finished executions (fired, queued, started, succeeded) spread over the scripts until the
 * store holds `size.events` events. Every stream is one append, as the platform writes them.
 */
export async function populate(store: EventStore, size: ScaleSize): Promise<Installation> {
  const scriptIds = Array.from({ length: size.scripts }, () => randomUUID());
  await inParallel(scriptIds.length, 64, (i) =>
    store.appendToStream(
      scriptStreamId(scriptIds[i]),
      0,
      decideAll(scriptAggregate, [
        {
          type: 'CreateScript',
          scriptId: scriptIds[i],
          name: `scale-${String(i).padStart(5, '0')}`,
          spec: { code: `export default async (event) => ({ n: ${i}, input: event.input })` },
        },
        { type: 'DeployScriptVersion', version: 1 },
      ]),
      meta(),
    ),
  );

  const triggerIds = Array.from({ length: size.cronTriggers }, () => randomUUID());
  await inParallel(triggerIds.length, 64, (i) =>
    store.appendToStream(
      triggerStreamId(triggerIds[i]),
      0,
      decideAll(triggerAggregate, [
        {
          type: 'CreateTrigger',
          triggerId: triggerIds[i],
          scriptId: scriptIds[i % scriptIds.length],
          triggerType: 'cron',
          schedule: '* * * * *',
          timezone: 'UTC',
        },
      ]),
      meta(),
    ),
  );

  const head = await store.headPosition();
  const executions = Math.max(0, Math.floor((size.events - head) / 4));
  const executionIds = Array.from({ length: executions }, () => randomUUID());
  const start = Date.now() - executions * 10;
  await inParallel(executions, 64, (i) => {
    const executionId = executionIds[i];
    const scriptId = scriptIds[i % scriptIds.length];
    const at = new Date(start + i * 10).toISOString();
    return store.appendToStream(
      executionStreamId(executionId),
      0,
      decideAll(executionAggregate, [
        {
          type: 'QueueExecution',
          executionId,
          scriptId,
          version: 1,
          trigger: { type: 'http', id: triggerIds[i % triggerIds.length] },
          input: { i },
          maxAttempts: 1,
          fired: { triggerId: triggerIds[i % triggerIds.length], source: 'http', firedAt: at },
        },
        { type: 'StartExecution', attempt: 1 },
        {
          type: 'CompleteExecution',
          attempt: 1,
          outcome: { status: 'succeeded', result: { n: i }, durationMs: 3 },
        },
      ]),
      meta(),
    );
  });
  return { scriptIds, triggerIds, executionIds };
}
