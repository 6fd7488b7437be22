import Redis from 'ioredis';
import { ExecutionState, isTerminal } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { EXECUTION_DONE_CHANNEL } from './execution-queue';
import { ExecutionView, toExecutionView } from './execution-view';
import { executionAggregate } from './execution-requests';
import { executionStreamId } from '@runlet/domain';

/**
 * Lets a request wait for an execution to finish without polling: executors publish each
 * finished execution on one Redis channel; waiters are woken by it. The event store stays the
 * truth: a waiter that subscribes late finds the terminal state there.
 */
export class ExecutionResults {
  private subscriber?: Redis;
  private publisher?: Redis;
  private readonly waiters = new Map<string, Set<(view: ExecutionView) => void>>();

  constructor(
    private readonly redisUrl: string,
    private readonly repo: AggregateRepository,
  ) {}

  publish(view: ExecutionView): void {
    this.publisher ??= new Redis(this.redisUrl, { maxRetriesPerRequest: 1 });
    this.publisher.publish(EXECUTION_DONE_CHANNEL, JSON.stringify(view)).catch(() => undefined);
  }

  /** Resolves with the finished execution, or null when it is still running after `timeoutMs`. */
  async wait(
    executionId: string,
    timeoutMs: number,
    knownState?: ExecutionState,
  ): Promise<ExecutionView | null> {
    await this.subscribe();
    return new Promise<ExecutionView | null>((resolve) => {
      let settled = false;
      const finish = (view: ExecutionView | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.waiters.get(executionId)?.delete(finish);
        if (this.waiters.get(executionId)?.size === 0) this.waiters.delete(executionId);
        resolve(view);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      const set = this.waiters.get(executionId) ?? new Set();
      set.add(finish);
      this.waiters.set(executionId, set);
      // It may have finished before we listened.
      if (!knownState || knownState.status !== 'queued') {
        void this.repo
          .load<ExecutionState, any>(executionStreamId(executionId), executionAggregate.evolve)
          .then(({ state }) => state && isTerminal(state.status) && finish(toExecutionView(state)))
          .catch(() => undefined);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.subscriber?.quit(), this.publisher?.quit()].map((p) => p?.catch(() => undefined)),
    );
  }

  private async subscribe(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel, message) => {
      const view = JSON.parse(message) as ExecutionView;
      for (const waiter of [...(this.waiters.get(view.id) ?? [])]) waiter(view);
    });
    await this.subscriber.subscribe(EXECUTION_DONE_CHANNEL);
  }
}
