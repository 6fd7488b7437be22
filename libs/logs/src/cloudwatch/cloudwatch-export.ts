import type { LogExport } from '../log-export';
import type { LogsConfig } from '../logs-config';

/**
 * The CloudWatch sink for a configuration. The AWS SDK is loaded here, on demand, so a process
 * that does not send to CloudWatch never loads it.
 */
export async function createCloudWatchExport(
  config: LogsConfig['cloudwatch'],
  log: (message: string) => void,
): Promise<LogExport> {
  const [{ CloudWatchLogSink }, { createCloudWatchClient }] = await Promise.all([
    import('./cloudwatch-sink'),
    import('./cloudwatch-client'),
  ]);
  return new CloudWatchLogSink({
    client: createCloudWatchClient(config),
    logGroup: config.logGroup,
    maxBufferedLines: config.bufferLines,
    log,
  });
}
