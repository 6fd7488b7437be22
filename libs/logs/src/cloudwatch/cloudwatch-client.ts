import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LogsConfig } from '../logs-config';

/**
 * The SDK client for the sink: credentials from the standard AWS chain (AWS_ACCESS_KEY_ID …,
 * AWS_PROFILE, instance roles); the SDK's own retries off, as the sink retries with its own
 * backoff for as long as its buffer lasts; a request that hangs is cut after 10 s.
 */
export function createCloudWatchClient(config: LogsConfig['cloudwatch']): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    ...(config.region ? { region: config.region } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    maxAttempts: 1,
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 },
  });
}
