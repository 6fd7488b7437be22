export * from './migrations';
export * from './log-store';
export { LogWriter } from './log-writer';
export type { LogWriterOptions, LogSink } from './log-writer';
export type { PendingLine } from './log-sql';
export { logLinesAttachment } from './log-sql';
export { ChannelSubscriber } from './channel-subscriber';
export { logChannel } from './log-channel';
export type { LogExport } from './log-export';
export * from './logs-config';
export { LogRetention } from './retention/log-retention';
export type { LogRetentionOptions } from './retention/log-retention';
export { InvalidLogSearch, parseLogSearch, LOG_LEVELS } from './search/log-search-filter';
export type { LogSearchFilter, LogSearchParams } from './search/log-search-filter';
export type { ScriptLogLine } from './search/log-search-sql';
// The sink itself is loaded on demand (createCloudWatchExport), so the AWS SDK is not loaded by every process.
export { createCloudWatchExport } from './cloudwatch/cloudwatch-export';
export { scriptStreamName } from './cloudwatch/cloudwatch-batches';
export * from './delete-execution-logs';
