import { JobsOptions } from 'bullmq';

export { queueOptions } from '@runlet/platform';

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
