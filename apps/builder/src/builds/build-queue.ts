import { JobsOptions, QueueOptions } from 'bullmq';

export const BUILDS_QUEUE = 'builds';

export interface BuildJobData {
  buildId: string;
}

/** Retries cover infrastructure trouble (database, Redis, a killed builder); a user's build error is final. */
export const BUILD_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Queues are namespaced by database: installations (and test databases) sharing one Redis never
 * pick up each other's jobs, while every process of one installation shares them.
 */
export function queueOptions(redisUrl: string, databaseUrl: string): QueueOptions {
  let db = 'runlet';
  try {
    db = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || db;
  } catch {
    // not a URL: keep the default namespace
  }
  return { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix: `runlet:${db}` };
}
