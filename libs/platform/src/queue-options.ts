import { QueueOptions } from 'bullmq';

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
