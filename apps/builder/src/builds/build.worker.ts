import { Logger } from '@nestjs/common';
import { Job, QueueOptions, Worker } from 'bullmq';
import { BuildRunner } from './build-runner';
import { BUILDS_QUEUE, BuildJobData } from './build-queue';

/** Takes `builds` jobs and runs them; gives a build up as failed once the queue stops retrying it. */
export class BuildWorker {
  private readonly logger = new Logger('builder');
  private readonly worker: Worker<BuildJobData>;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly runner: BuildRunner,
    queue: QueueOptions,
    concurrency: number,
    lockMs: number,
  ) {
    this.worker = new Worker<BuildJobData>(BUILDS_QUEUE, (job) => this.process(job), {
      ...queue,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 2,
    });
    this.worker.on('failed', (job, err) => job && this.track(this.giveUpIfFinal(job, err)));
    this.worker.on('error', (err) => this.logger.warn(`queue error: ${err.message}`));
  }

  async close(): Promise<void> {
    // Let running builds finish for a while; a job cut off here is retried by another builder.
    const graceful = this.worker.close();
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([graceful, timeout])) === 'timeout') await this.worker.close(true);
    await Promise.all([...this.pending]);
  }

  private async process(job: Job<BuildJobData>): Promise<string> {
    return this.runner.run(job.data.buildId, job.attemptsMade + 1);
  }

  private async giveUpIfFinal(job: Job<BuildJobData>, err: Error): Promise<void> {
    if ((await job.getState()) !== 'failed') return; // a retry is scheduled
    this.logger.error(`build ${job.data.buildId} failed for good: ${err.message}`);
    await this.runner.abandon(job.data.buildId, err.message);
  }

  private track(work: Promise<void>): void {
    const p = work.catch((e) => this.logger.error(`could not record the failed build: ${e?.message ?? e}`));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}
