import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { executionAggregate, executionStreamId, ExecutionState, isTerminal } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { EXECUTION_DONE_CHANNEL } from './execution-queue';
import { ExecutionView, toExecutionView } from './execution-view';

/** A request's wait for one execution's result; see `ExecutionResults.listen`. */
export interface ResultListener {
  /** The finished execution, or null when it is still running after `timeoutMs`. */
  result(timeoutMs: number, knownState?: ExecutionState): Promise<ExecutionView | null>;
  /** Stops listening without waiting (the execution was not queued after all). */
  close(): void;
}

/**
 * Lets a request wait for an execution to finish without polling: executors publish each
 * finished execution on one Redis channel; waiters are woken by it. The event store stays the
 * truth: a waiter that subscribes late finds the terminal state there.
 */
export class ExecutionResults {
  private subscriber?: Redis;
  private publisher?: Redis;
  private readonly waiters = new Map<string, Set<(view: ExecutionView) => void>>();
  /** Tags this instance's announcements, which it has delivered in-process already. */
  private readonly origin = randomUUID();

  constructor(
    private readonly redisUrl: string,
    private readonly repo: AggregateRepository,
  ) {}

  /**
   * Wakes this process's waiters at once, and everyone else's through Redis unless nobody
   * elsewhere can be waiting (`elsewhere: false`).
   */
  publish(view: ExecutionView, elsewhere = true): void {
    this.deliver(view);
    if (!elsewhere) return;
    this.publisher ??= new Redis(this.redisUrl, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
    this.publisher
      .publish(EXECUTION_DONE_CHANNEL, `${this.origin}|${JSON.stringify(view)}`)
      .catch(() => undefined);
  }

  /**
   * Starts listening for the execution's result. Call it before the execution is queued: an
   * executor may finish it (and announce it) before the request that queued it gets to wait.
   */
  async listen(executionId: string): Promise<ResultListener> {
    await this.subscribe();
    let early: ExecutionView | undefined;
    let deliver: ((view: ExecutionView) => void) | undefined;
    const onResult = (view: ExecutionView) => (deliver ? deliver(view) : (early ??= view));
    const set = this.waiters.get(executionId) ?? new Set();
    set.add(onResult);
    this.waiters.set(executionId, set);
    const stop = () => {
      this.waiters.get(executionId)?.delete(onResult);
      if (this.waiters.get(executionId)?.size === 0) this.waiters.delete(executionId);
    };
    return {
      close: stop,
      result: (timeoutMs, knownState) =>
        new Promise<ExecutionView | null>((resolve) => {
          let settled = false;
          const finish = (view: ExecutionView | null) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            stop();
            resolve(view);
          };
          const timer = setTimeout(() => finish(null), timeoutMs);
          deliver = finish;
          if (early) return finish(early);
          // Queued before we listened (a repeated idempotency key, a replay): the store knows.
          if (!knownState || knownState.status !== 'queued') {
            void this.repo
              .load<ExecutionState, any>(executionStreamId(executionId), executionAggregate.evolve)
              .then(({ state }) => state && isTerminal(state.status) && finish(toExecutionView(state)))
              .catch(() => undefined);
          }
        }),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.subscriber?.quit(), this.publisher?.quit()].map((p) => p?.catch(() => undefined)),
    );
  }

  private deliver(view: ExecutionView): void {
    for (const waiter of [...(this.waiters.get(view.id) ?? [])]) waiter(view);
  }

  private async subscribe(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel, message) => {
      const cut = message.indexOf('|');
      // Our own announcement comes back too: its waiters here were woken when it was made.
      if (this.waiters.size === 0 || message.slice(0, cut) === this.origin) return;
      this.deliver(JSON.parse(message.slice(cut + 1)) as ExecutionView);
    });
    await this.subscriber.subscribe(EXECUTION_DONE_CHANNEL);
  }
}
