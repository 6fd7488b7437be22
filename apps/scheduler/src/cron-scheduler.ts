import { Logger } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { AggregateRepository, Database, EventHints, EventStore } from '@runlet/event-store';
import { ExecutionRequests } from '@runlet/executions';
import { ExecutionsQuery, ScriptsQuery, TriggersQuery } from '@runlet/read-models';
import { CatchUpClaims } from './catch-up-claims';
import { cronRepeatStrategy, tickTimeOfJob } from './cron-repeat-strategy';
import { CronTriggerCache, isActive } from './cron-trigger-cache';
import { hasPendingTick, JobSchedulerSync, Upserted } from './job-scheduler-sync';
import { CRON_TICKS_QUEUE, SchedulerOptions, schedulerIdOf } from './scheduler.config';
import { TickFirer } from './tick-firer';
import { countActiveTriggers } from './scheduler-metrics';
import { SharedClock } from './shared-clock';
import { TickHandler } from './tick-handler';
import { TriggerChanges, TriggerChangeWatcher } from './trigger-change-watcher';

export interface CronSchedulerDeps {
  redisUrl: string;
  db: Database;
  store: EventStore;
  hints: EventHints;
  repo: AggregateRepository;
  requests: ExecutionRequests;
  redis: Redis;
  options: SchedulerOptions;
}

export interface TickJobData {
  triggerId: string;
}

/**
 * The scheduler role of one process: keeps the BullMQ job schedulers in step with the cron
 * triggers (at start, on trigger events, and every `resyncMs`), catches up after downtime, and
 * runs the `cron-ticks` worker. Any number of processes may run it; each tick job reaches one.
 */
export class CronScheduler {
  private readonly log = new Logger('scheduler');
  readonly triggers: CronTriggerCache;
  private readonly handler: TickHandler;
  private readonly watcher: TriggerChangeWatcher;
  private queue?: Queue<TickJobData>;
  private worker?: Worker<TickJobData>;
  private sync?: JobSchedulerSync;
  private resyncTimer?: NodeJS.Timeout;
  private resyncing?: Promise<void>;
  private untrackMetrics?: () => void;
  /** Ticks left out by an upsert, sleeping until their time here (stop() lets them fire). */
  private readonly fillingIn = new Set<Promise<void>>();
  /** Tick jobs this process has taken (for tests and metrics). */
  ticksTaken = 0;

  private readonly clock: SharedClock;

  constructor(private readonly deps: CronSchedulerDeps) {
    this.clock = new SharedClock(deps.redis);
    this.triggers = new CronTriggerCache(new TriggersQuery(deps.db));
    const firer = new TickFirer(new ScriptsQuery(deps.db), new ExecutionsQuery(deps.db), deps.requests);
    this.handler = new TickHandler(
      this.triggers,
      firer,
      new CatchUpClaims(deps.redis, deps.options.prefix),
      deps.options,
      () => this.clock.now(),
    );
    this.watcher = new TriggerChangeWatcher(deps.db, deps.store, deps.hints, (c) => this.applyChanges(c));
  }

  async start(): Promise<void> {
    const { redisUrl, options } = this.deps;
    const connection = { url: redisUrl, maxRetriesPerRequest: null } as any;
    const settings = { repeatStrategy: cronRepeatStrategy(options.leadMs) };
    this.queue = new Queue<TickJobData>(CRON_TICKS_QUEUE, { connection, settings, prefix: options.prefix });
    this.sync = new JobSchedulerSync(this.queue);

    await this.clock.sync();
    await this.watcher.start(); // from the head: changes made while loading are seen again
    await this.triggers.reloadAll();
    const inRedis = await this.sync.current();
    // After downtime: triggers whose job scheduler still holds an overdue tick catch up when a
    // worker takes that job; the others (scheduler missing or replaced) catch up here.
    const now = new Date(this.clock.now());
    await Promise.all(
      this.triggers
        .active()
        .filter((t) => !hasPendingTick(inRedis.get(schedulerIdOf(t.id)), t))
        .map((t) => this.handler.catchUp(t, now).catch((err) => this.fail(`catch-up of ${t.id}`, err))),
    );
    this.fillIn(await this.sync.sync(this.triggers.active(), inRedis), now); // catch-up took those ≤ now

    this.worker = new Worker<TickJobData>(CRON_TICKS_QUEUE, (job) => this.process(job), {
      connection,
      settings,
      prefix: options.prefix,
      concurrency: options.concurrency,
      // Ticks are never retried by BullMQ: a failed firing is logged; the next tick comes anyway.
      // (A job scheduler's job held by a process that died is handed back whatever this says.)
      maxStalledCount: 0,
      // A tick is held for the lead and its firing, a second or so: a short lock hands a tick held by
      // a scheduler that died to another within lockDuration + stalledInterval, not BullMQ's 30 + 30 s.
      lockDuration: options.tickLockMs,
      stalledInterval: options.tickLockMs,
    });
    this.worker.on('error', (err) => this.fail('tick worker', err));
    this.resyncTimer = setInterval(() => void this.resync(), options.resyncMs);
    this.resyncTimer.unref();
    this.untrackMetrics = countActiveTriggers(() => this.triggers.active().length);
    this.log.log(`cron scheduler started with ${this.triggers.active().length} active trigger(s)`);
  }

  async stop(): Promise<void> {
    clearInterval(this.resyncTimer);
    this.untrackMetrics?.();
    await this.watcher.stop();
    await this.resyncing;
    await this.worker?.close();
    await Promise.all(this.fillingIn);
    await this.queue?.close();
  }

  /** Full reconciliation: reload every cron trigger, then make Redis match. */
  resync(): Promise<void> {
    this.resyncing ??= (async () => {
      try {
        await this.clock.sync();
        await this.triggers.reloadAll();
        const now = new Date(this.clock.now());
        this.fillIn(await this.sync!.sync(this.triggers.active()), now);
      } catch (err) {
        this.fail('resync', err);
      } finally {
        this.resyncing = undefined;
      }
    })();
    return this.resyncing;
  }

  private async process(job: Job<TickJobData>): Promise<void> {
    const { prevMillis } = job.opts;
    if (prevMillis === undefined) return;
    // Date.now(), not the shared clock: BullMQ made the successor by this process's own clock just now.
    const taken = { prevMillis, takenAtLocal: Date.now(), redelivered: job.attemptsStarted > 1 };
    this.ticksTaken++;
    try {
      await this.handler.handle(job.data.triggerId, taken);
    } catch (err) {
      this.fail(`tick of trigger ${job.data.triggerId}`, err);
    }
  }

  private async applyChanges({ triggerIds, scriptIds }: TriggerChanges): Promise<void> {
    await this.triggers.reload(triggerIds);
    for (const scriptId of scriptIds) await this.triggers.reloadScript(scriptId);
    const ids = new Set([
      ...triggerIds,
      ...scriptIds.flatMap((s) =>
        this.triggers
          .all()
          .filter((t) => t.scriptId === s)
          .map((t) => t.id),
      ),
    ]);
    for (const id of ids) {
      const key = schedulerIdOf(id);
      const trigger = this.triggers.get(id);
      const have = await this.queue!.getJobScheduler(key);
      if (trigger && isActive(trigger)) {
        if (!have || have.pattern !== trigger.schedule || have.tz !== trigger.timezone) {
          const now = new Date(this.clock.now());
          this.fillIn([{ trigger, firstMillis: await this.sync!.upsert(trigger) }], now);
        }
      } else if (have) {
        await this.sync!.remove(key);
      }
    }
  }

  /**
   * An upsert makes the first tick job from this process's own clock plus the lead: the ticks
   * between `after` (the shared time before the upsert) and that job's are fired from here.
   */
  private fillIn(upserted: Upserted[], after: Date): void {
    for (const { trigger, firstMillis } of upserted) {
      if (firstMillis === undefined) continue;
      const before = tickTimeOfJob(firstMillis, this.deps.options.leadMs);
      const firing = this.handler
        .fireBetween(trigger, after, before)
        .catch((err) => this.fail(`ticks before the first job of ${trigger.id}`, err))
        .finally(() => this.fillingIn.delete(firing));
      this.fillingIn.add(firing);
    }
  }

  private fail(what: string, err: unknown): void {
    this.log.error(`${what} failed: ${(err as Error)?.message ?? err}`);
  }
}
